//! Image assets: resolved, copied once, sized, captioned; missing ones made
//! visible; nothing from outside notes/ copied.

use std::io::Cursor;
use std::path::Path;

use crate::common::*;
use gongbu::diagnostic::Diagnostic;
use scraper::Html;

/// PNG bytes of a `w`×`h` image.
pub(crate) fn png(w: u32, h: u32) -> Vec<u8> {
    let img = image::RgbImage::from_fn(w, h, |x, y| {
        image::Rgb([(x % 256) as u8, (y % 256) as u8, 90])
    });
    let mut out = Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png)
        .expect("png");
    out.into_inner()
}

fn jpeg(w: u32, h: u32) -> Vec<u8> {
    let img = image::RgbImage::from_fn(w, h, |x, y| {
        image::Rgb([(x % 256) as u8, 100, (y % 256) as u8])
    });
    let mut out = Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Jpeg)
        .expect("jpeg");
    out.into_inner()
}

/// Warnings of `code`, each as `location message`.
fn warnings(report: &gongbu::BuildReport, code: &str) -> Vec<String> {
    report
        .diagnostics
        .iter()
        .filter(|d: &&Diagnostic| d.code == code)
        .map(|d| format!("{} {}", d.location().unwrap_or_default(), d.message))
        .collect()
}

fn img_attrs(doc: &Html, selector: &str) -> Vec<(String, String)> {
    doc.select(&sel(selector))
        .next()
        .unwrap_or_else(|| panic!("no {selector}"))
        .value()
        .attrs()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

fn attr<'a>(attrs: &'a [(String, String)], name: &str) -> Option<&'a str> {
    attrs
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

fn assert_no_dead(f: &Fixture) {
    let dead = dead_links(&f.out());
    assert!(dead.is_empty(), "{dead:#?}");
}

/// Every `img[src]` of every page points at a file of the output (or leaves
/// the site).
fn local_img_srcs(f: &Fixture, page: &str) -> Vec<String> {
    attrs(&f.html(page), ".note-body img", "src")
        .into_iter()
        .filter(|s| !s.contains("://"))
        .collect()
}

fn decode(s: &str) -> String {
    percent_encoding::percent_decode_str(s)
        .decode_utf8_lossy()
        .into_owned()
}

#[test]
fn local_image_is_copied_sized_lazy_and_captioned() {
    let f = Fixture::new();
    f.note(
        "os/프로세스.md",
        "# 프로세스\n\n![프로세스의 메모리 구조](images/mem.png)\n\n문장 안의 ![작은 그림](images/mem.png) 그림.\n\n![](images/mem.png)\n",
    )
    .file("notes/os/images/mem.png", &png(64, 32))
    .file("notes/os/images/unused.png", &png(8, 8));
    let r = f.build();
    assert_eq!(r.exit_code(), 0, "{:#?}", diagnostics(&r));
    assert!(r.diagnostics.is_empty(), "{:#?}", diagnostics(&r));
    let doc = f.html("os/프로세스.html");
    // Standalone with alt text: a figure with its caption.
    assert_eq!(
        texts(&doc, ".note-body figure > figcaption"),
        vec!["프로세스의 메모리 구조"]
    );
    let a = img_attrs(&doc, ".note-body figure > img");
    assert_eq!(attr(&a, "src"), Some("images/mem.png"));
    assert_eq!(attr(&a, "alt"), Some("프로세스의 메모리 구조"));
    assert_eq!(attr(&a, "width"), Some("64"));
    assert_eq!(attr(&a, "height"), Some("32"));
    assert_eq!(attr(&a, "loading"), Some("lazy"));
    assert_eq!(attr(&a, "decoding"), Some("async"));
    // Inside a sentence, or without alt text: no figure.
    assert_eq!(
        attrs(&doc, ".note-body p > img", "alt"),
        vec!["작은 그림", ""]
    );
    assert_eq!(doc.select(&sel(".note-body figure")).count(), 1);
    // Copied once, beside the page; unreferenced files are not copied.
    assert!(f.out().join("os/images/mem.png").is_file());
    assert!(!f.out().join("os/images/unused.png").exists());
    assert_no_dead(&f);
}

#[test]
fn missing_image_is_a_warning_and_a_placeholder() {
    let f = Fixture::new();
    f.note(
        "a.md",
        "# 가\n\n본문\n\n![설명](없는-그림.png)\n\n문장 ![](images/없음.png) 끝\n\n![](<C# 노트.png>) ![](b.png?raw=true)\n",
    );
    let r = f.build();
    assert_eq!(r.exit_code(), 0, "{:#?}", diagnostics(&r));
    let w = warnings(&r, "image-missing");
    assert_eq!(w.len(), 4, "{w:#?}");
    assert!(w[0].starts_with("notes/a.md:5:1 "), "{w:#?}");
    assert!(w[0].contains("없는-그림.png"), "{w:#?}");
    assert!(w[1].starts_with("notes/a.md:7:4 "), "{w:#?}");
    let doc = f.html("a.html");
    assert!(doc.select(&sel(".note-body img")).next().is_none());
    assert_eq!(
        texts(&doc, ".note-body .image-missing"),
        vec![
            "그림 없음: 없는-그림.png",
            "그림 없음: 없음.png",
            "그림 없음: C# 노트.png",
            "그림 없음: b.png"
        ]
    );
    // The standalone one keeps its caption.
    assert_eq!(texts(&doc, ".note-body figure figcaption"), vec!["설명"]);
    assert_no_dead(&f);
}

#[test]
fn notion_attachment_is_a_warning_and_a_placeholder() {
    let f = Fixture::new();
    f.note(
        "til.md",
        "# TIL\n\n![image.png](attachment:56ff3295-7721-4334-b12b-b4630371153c:image.png)\n",
    );
    let r = f.build();
    let w = warnings(&r, "image-attachment");
    assert_eq!(w.len(), 1, "{:#?}", diagnostics(&r));
    assert!(w[0].starts_with("notes/til.md:3:1 "), "{w:#?}");
    assert!(w[0].contains("Notion"), "{w:#?}");
    let doc = f.html("til.html");
    assert_eq!(
        texts(&doc, ".image-missing"),
        vec!["그림 없음: image.png (Notion 첨부)"]
    );
    assert!(doc.select(&sel(".note-body img")).next().is_none());
}

#[test]
fn nothing_outside_the_notes_root_is_shown_or_copied() {
    let f = Fixture::new();
    f.file("secret.png", &png(10, 10));
    f.file("notes/os/ok.png", &png(10, 10));
    let outside = f.root().join("secret.png");
    let outside = outside.display().to_string();
    f.note(
        "os/a.md",
        &format!(
            "# 가\n\n![위로](../../secret.png)\n\n![한 칸 위](../../../etc/x.png)\n\n![절대](/home/x.png)\n\n![창](C:\\x.png)\n\n![파일](file:///etc/x.png)\n\n![진짜 밖](<{outside}>)\n\n![안](ok.png)\n"
        ),
    );
    let r = f.build();
    assert_eq!(r.exit_code(), 0, "{:#?}", diagnostics(&r));
    let w = warnings(&r, "image-outside");
    assert_eq!(w.len(), 6, "{:#?}", diagnostics(&r));
    for (i, line) in [3, 5, 7, 9, 11, 13].iter().enumerate() {
        assert!(
            w[i].starts_with(&format!("notes/os/a.md:{line}:1 ")),
            "{w:#?}"
        );
    }
    let doc = f.html("os/a.html");
    assert_eq!(
        texts(&doc, ".image-missing"),
        vec![
            "그림 없음: secret.png",
            "그림 없음: x.png",
            "그림 없음: x.png",
            "그림 없음: x.png",
            "그림 없음: x.png",
            "그림 없음: secret.png"
        ]
    );
    assert_eq!(local_img_srcs(&f, "os/a.html"), vec!["ok.png"]);
    assert!(!tree(&f.out()).iter().any(|(p, _)| p.contains("secret")));
    assert_no_dead(&f);
}

#[cfg(unix)]
#[test]
fn a_symlink_leading_out_of_the_notes_root_is_not_followed() {
    let f = Fixture::new();
    f.file("private/photo.png", &png(10, 10));
    f.note("a.md", "# 가\n\n![사진](images/photo.png)\n");
    std::fs::create_dir_all(f.root().join("notes/images")).unwrap();
    std::os::unix::fs::symlink(
        f.root().join("private/photo.png"),
        f.root().join("notes/images/photo.png"),
    )
    .unwrap();
    // A symlinked folder leading out, too.
    std::os::unix::fs::symlink(f.root().join("private"), f.root().join("notes/linked")).unwrap();
    f.note("b.md", "# 나\n\n![사진](linked/photo.png)\n");
    let r = f.build();
    assert_eq!(r.exit_code(), 0, "{:#?}", diagnostics(&r));
    let w = warnings(&r, "image-outside");
    assert_eq!(w.len(), 2, "{:#?}", diagnostics(&r));
    assert!(
        w[0].starts_with("notes/a.md:3:1 ") && w[0].contains("심볼릭 링크"),
        "{w:#?}"
    );
    assert!(w[1].starts_with("notes/b.md:3:1 "), "{w:#?}");
    assert_eq!(
        texts(&f.html("a.html"), ".image-missing"),
        vec!["그림 없음: photo.png"]
    );
    assert!(!tree(&f.out()).iter().any(|(p, _)| p.contains("photo")));
    assert_no_dead(&f);
}

#[test]
fn remote_images_are_kept_lazy_without_referrer() {
    let f = Fixture::new();
    f.note(
        "a.md",
        "# 가\n\n![원격](https://user-images.githubusercontent.com/1/a.png)\n\n<img src=\"https://example.com/b.png\" alt=\"비\">\n",
    );
    let r = f.build();
    assert!(r.diagnostics.is_empty(), "{:#?}", diagnostics(&r));
    let doc = f.html("a.html");
    let a = img_attrs(&doc, "figure img");
    assert_eq!(
        attr(&a, "src"),
        Some("https://user-images.githubusercontent.com/1/a.png")
    );
    assert_eq!(attr(&a, "loading"), Some("lazy"));
    assert_eq!(attr(&a, "referrerpolicy"), Some("no-referrer"));
    let b = img_attrs(&doc, "img[alt=\"비\"]");
    assert_eq!(attr(&b, "src"), Some("https://example.com/b.png"));
    assert_eq!(attr(&b, "loading"), Some("lazy"));
    assert_eq!(attr(&b, "referrerpolicy"), Some("no-referrer"));
}

#[test]
fn names_with_hangul_spaces_parentheses_hash_and_brackets() {
    let f = Fixture::new();
    let name = "그림 (1) #2 [초안].png";
    f.file(&format!("notes/os/images/{name}"), &png(20, 10));
    f.file("notes/os/images/그림 파일.png", &png(30, 10));
    f.note(
        "os/a.md",
        "# 가\n\n\
         ![꺾쇠](<images/그림 (1) #2 [초안].png>)\n\n\
         ![인코딩](images/%EA%B7%B8%EB%A6%BC%20(1)%20%232%20%5B%EC%B4%88%EC%95%88%5D.png)\n\n\
         ![공백 꺾쇠](<images/그림 파일.png>)\n\n\
         ![공백 인코딩](images/그림%20파일.png)\n",
    );
    let r = f.build();
    assert!(r.diagnostics.is_empty(), "{:#?}", diagnostics(&r));
    let srcs: Vec<String> = local_img_srcs(&f, "os/a.html")
        .iter()
        .map(|s| decode(s))
        .collect();
    assert_eq!(
        srcs,
        vec![
            format!("images/{name}"),
            format!("images/{name}"),
            "images/그림 파일.png".to_string(),
            "images/그림 파일.png".to_string()
        ]
    );
    assert_eq!(
        attrs(&f.html("os/a.html"), "img", "width"),
        vec!["20", "20", "30", "30"]
    );
    assert!(f.out().join("os/images").join(name).is_file());
    assert!(f.out().join("os/images/그림 파일.png").is_file());
    assert_no_dead(&f);
}

#[test]
fn nfd_file_names_are_matched_and_written_nfc() {
    use unicode_normalization::UnicodeNormalization;
    let f = Fixture::new();
    let nfd: String = "스레드 그림.png".nfd().collect();
    assert_ne!(nfd, "스레드 그림.png");
    f.file(&format!("notes/{nfd}"), &png(12, 6));
    f.note("a.md", "# 가\n\n![스레드](<스레드 그림.png>)\n");
    let r = f.build();
    assert!(r.diagnostics.is_empty(), "{:#?}", diagnostics(&r));
    let srcs = local_img_srcs(&f, "a.html");
    assert_eq!(decode(&srcs[0]), "스레드 그림.png");
    assert_eq!(attrs(&f.html("a.html"), "img", "width"), vec!["12"]);
    assert!(f.out().join("스레드 그림.png").is_file());
    assert_no_dead(&f);
}

#[test]
fn upper_case_extensions_and_content_sniffing() {
    let f = Fixture::new();
    f.file("notes/A.PNG", &png(40, 20))
        // PNG bytes in a file called .jpg, JPEG bytes in .png.
        .file("notes/really-png.jpg", &png(50, 25))
        .file("notes/really-jpeg.png", &jpeg(16, 8))
        .file("notes/Photo.JPG", &jpeg(20, 10))
        .note(
            "a.md",
            "# 가\n\n![대문자](A.PNG)\n\n![가짜 jpg](really-png.jpg)\n\n![가짜 png](really-jpeg.png)\n\n![대소문자 다름](photo.jpg)\n",
        );
    let r = f.build();
    assert!(r.diagnostics.is_empty(), "{:#?}", diagnostics(&r));
    let doc = f.html("a.html");
    assert_eq!(attrs(&doc, "img", "width"), vec!["40", "50", "16", "20"]);
    assert_eq!(attrs(&doc, "img", "height"), vec!["20", "25", "8", "10"]);
    assert_eq!(
        local_img_srcs(&f, "a.html"),
        vec!["A.PNG", "really-png.jpg", "really-jpeg.png", "Photo.JPG"]
    );
    assert_no_dead(&f);
}

#[test]
fn svg_is_sized_from_its_view_box() {
    let f = Fixture::new();
    f.file(
        "notes/images/box.svg",
        b"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!-- \xea\xb7\xb8\xeb\xa6\xbc -->\n<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 320 180\"><rect width=\"10\" height=\"10\"/></svg>\n",
    )
    .file(
        "notes/images/wide.svg",
        b"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"400\" viewBox=\"0 0 200 50\"></svg>",
    )
    .note("a.md", "# 가\n\n![상자](images/box.svg)\n\n![넓은](images/wide.svg)\n");
    let r = f.build();
    assert!(r.diagnostics.is_empty(), "{:#?}", diagnostics(&r));
    let doc = f.html("a.html");
    assert_eq!(attrs(&doc, "img", "width"), vec!["320", "400"]);
    assert_eq!(attrs(&doc, "img", "height"), vec!["180", "100"]);
    assert_no_dead(&f);
}

#[test]
fn raw_html_img_is_rewritten_and_checked() {
    let f = Fixture::new();
    f.file("notes/os/images/a.png", &png(30, 20));
    f.note(
        "os/a.md",
        "# 가\n\n<p align=\"center\"><img class=\"wide\" src=\"images/a.png\" alt=\"에이\" width=\"300\"></p>\n\n문장 <img src='/os/images/a.png' alt='루트'> 끝\n\n<div>\n<img src=\"없음.png\" alt=\"없음\">\n</div>\n",
    );
    let r = f.build();
    let w = warnings(&r, "image-missing");
    assert_eq!(w.len(), 1, "{:#?}", diagnostics(&r));
    assert!(w[0].starts_with("notes/os/a.md:8:1 "), "{w:#?}");
    let doc = f.html("os/a.html");
    let a = img_attrs(&doc, "img.wide");
    assert_eq!(attr(&a, "src"), Some("images/a.png"));
    assert_eq!(attr(&a, "alt"), Some("에이"));
    // The author's width is kept, and no height is added to it.
    assert_eq!(attr(&a, "width"), Some("300"));
    assert_eq!(attr(&a, "height"), None);
    assert_eq!(attr(&a, "loading"), Some("lazy"));
    assert_eq!(attrs(&doc, "p[align=center]", "align"), vec!["center"]);
    let b = img_attrs(&doc, "img[alt=\"루트\"]");
    assert_eq!(attr(&b, "src"), Some("images/a.png"));
    assert_eq!(attr(&b, "width"), Some("30"));
    assert_eq!(attr(&b, "height"), Some("20"));
    assert_eq!(
        texts(&doc, "div .image-missing"),
        vec!["그림 없음: 없음.png"]
    );
    assert_eq!(doc.select(&sel("img")).count(), 2);
    assert_no_dead(&f);
}

#[test]
fn root_absolute_paths_resolve_against_the_notes_root() {
    let f = Fixture::new();
    f.file("notes/images/a.png", &png(10, 10));
    f.note(
        "til/2026/a.md",
        "# 가\n\n![루트](/images/a.png)\n\n![없음](/images/b.png)\n",
    );
    let r = f.build();
    let w = warnings(&r, "image-missing");
    assert_eq!(w.len(), 1, "{:#?}", diagnostics(&r));
    assert!(w[0].contains("images/b.png"), "{w:#?}");
    assert_eq!(
        local_img_srcs(&f, "til/2026/a.html"),
        vec!["../../images/a.png"]
    );
    assert_no_dead(&f);
}

#[test]
fn empty_image_address_is_a_warning() {
    let f = Fixture::new();
    f.note("a.md", "# 가\n\n본문 ![]() 끝\n");
    let r = f.build();
    let w = warnings(&r, "image-empty");
    assert_eq!(w.len(), 1, "{:#?}", diagnostics(&r));
    assert!(w[0].starts_with("notes/a.md:3:4 "), "{w:#?}");
    let doc = f.html("a.html");
    assert!(doc.select(&sel(".note-body img")).next().is_none());
    assert_eq!(texts(&doc, ".image-missing"), vec!["그림 없음: (빈 주소)"]);
}

#[test]
fn images_in_a_dropped_title_block_keep_the_count() {
    let f = Fixture::new();
    f.file("notes/logo.png", &png(10, 10))
        .file("notes/b.png", &png(20, 10));
    f.note(
        "a.md",
        "<h1 align=\"center\"><img src=\"logo.png\"> 제목</h1>\n\n![둘째](b.png)\n",
    );
    let r = f.build();
    assert!(r.diagnostics.is_empty(), "{:#?}", diagnostics(&r));
    assert_eq!(local_img_srcs(&f, "a.html"), vec!["b.png"]);
    assert_eq!(
        attrs(&f.html("a.html"), ".note-body img", "width"),
        vec!["20"]
    );
}

#[test]
fn images_in_skipped_folders_and_links() {
    let f = Fixture::new();
    f.file("notes/_images/a.png", &png(10, 10));
    f.note(
        "a.md",
        "# 가\n\n[![배지](_images/a.png)](https://example.com)\n",
    );
    let r = f.build();
    assert!(r.diagnostics.is_empty(), "{:#?}", diagnostics(&r));
    let doc = f.html("a.html");
    assert_eq!(
        attrs(&doc, "a[href=\"https://example.com\"] > img", "src"),
        vec!["_images/a.png"]
    );
    assert!(f.out().join("_images/a.png").is_file());
    assert_no_dead(&f);
}

#[test]
fn not_an_image_is_a_warning() {
    let f = Fixture::new();
    f.file("notes/doc.pdf", b"%PDF-1.4 not an image");
    f.note("a.md", "# 가\n\n![문서](doc.pdf)\n");
    let r = f.build();
    let w = warnings(&r, "image-format");
    assert_eq!(w.len(), 1, "{:#?}", diagnostics(&r));
    assert!(w[0].starts_with("notes/a.md:3:1 "), "{w:#?}");
}

#[test]
fn wide_images_are_downscaled_when_asked() {
    let f = Fixture::new();
    f.file("notes/os/images/wide.png", &png(300, 150))
        .file("notes/os/images/photo.jpg", &jpeg(400, 100))
        .file("notes/os/images/small.png", &png(50, 50))
        .note(
            "os/a.md",
            "# 가\n\n![넓은 그림](images/wide.png)\n\n![사진](images/photo.jpg)\n\n![작은 그림](images/small.png)\n\n<img src=\"images/wide.png\" alt=\"HTML\">\n",
        );
    // Default build: no copies made.
    let r = f.build();
    assert!(r.diagnostics.is_empty(), "{:#?}", diagnostics(&r));
    assert!(!f.out().join("os/images/wide.100w.png").exists());
    assert_eq!(attrs(&f.html("os/a.html"), "img", "width")[0], "300");

    f.config("images:\n  max_width: 100\n");
    let r = f.build();
    assert!(r.diagnostics.is_empty(), "{:#?}", diagnostics(&r));
    let doc = f.html("os/a.html");
    let a = img_attrs(&doc, "figure a.image-original > img[alt=\"넓은 그림\"]");
    assert_eq!(attr(&a, "src"), Some("images/wide.100w.png"));
    assert_eq!(attr(&a, "width"), Some("100"));
    assert_eq!(attr(&a, "height"), Some("50"));
    assert_eq!(
        attrs(&doc, "a.image-original", "href"),
        vec!["images/wide.png", "images/photo.jpg", "images/wide.png"]
    );
    let small = image::open(f.out().join("os/images/wide.100w.png")).unwrap();
    assert_eq!((small.width(), small.height()), (100, 50));
    let photo = image::open(f.out().join("os/images/photo.100w.jpg")).unwrap();
    assert_eq!((photo.width(), photo.height()), (100, 25));
    // The originals are there, the small one is shown as it is.
    assert!(f.out().join("os/images/wide.png").is_file());
    assert!(f.out().join("os/images/photo.jpg").is_file());
    let s = img_attrs(&doc, "img[alt=\"작은 그림\"]");
    assert_eq!(attr(&s, "src"), Some("images/small.png"));
    assert!(!f.out().join("os/images/small.100w.png").exists());
    let h = img_attrs(&doc, "img[alt=\"HTML\"]");
    assert_eq!(attr(&h, "src"), Some("images/wide.100w.png"));
    assert_no_dead(&f);
}

#[test]
fn seeds_warn_for_their_missing_images_and_link_no_missing_file() {
    let f = Fixture::new();
    if seeds_into(&f).is_none() {
        return;
    }
    let r = f.build();
    assert_eq!(r.exit_code(), 0, "{:#?}", diagnostics(&r));
    let missing = warnings(&r, "image-missing");
    assert!(
        missing
            .iter()
            .any(|w| w.starts_with("notes/000_2f1ff3e4956592af.md:52:1 ")
                && w.contains("프로세스_스레드.png")),
        "{missing:#?}"
    );
    assert_eq!(
        missing
            .iter()
            .filter(|w| w.starts_with("notes/002_7742b99b9122a2d7.md:"))
            .count(),
        2,
        "{missing:#?}"
    );
    let attachments = warnings(&r, "image-attachment");
    assert_eq!(attachments.len(), 2, "{attachments:#?}");
    assert!(attachments
        .iter()
        .all(|w| w.starts_with("notes/004_09b56fabdb23dc24.md:")));
    // Seed 001's remote image is kept.
    let remote = attrs(
        &f.html("001_790d3016bd0bd629.html"),
        ".note-body img",
        "src",
    );
    assert!(remote
        .iter()
        .any(|s| s.starts_with("https://user-images.githubusercontent.com/")));
    assert!(
        texts(&f.html("000_2f1ff3e4956592af.html"), ".image-missing")
            .contains(&"그림 없음: 프로세스_스레드.png".to_string())
    );
    assert_no_dead(&f);
}

/// The in-repo twin of the seed test above.
#[test]
fn real_notes_warn_for_their_missing_images_and_link_no_missing_file() {
    let f = Fixture::new();
    real_into(&f);
    let r = f.build();
    assert_eq!(r.exit_code(), 0, "{:#?}", diagnostics(&r));
    let missing = warnings(&r, "image-missing");
    let compare = format!("notes/{REAL_COMPARE}.md:");
    assert!(
        missing
            .iter()
            .any(|w| w.starts_with(&format!("{compare}31:1 ")) && w.contains("프로세스_구조.png")),
        "{missing:#?}"
    );
    let ghost = format!("notes/{REAL_GHOST}.md:");
    assert_eq!(
        missing.iter().filter(|w| w.starts_with(&ghost)).count(),
        2,
        "{missing:#?}"
    );
    assert_eq!(missing.len(), 3, "{missing:#?}");
    // Two Notion exports point at `attachment:` ids, not files.
    let attachments = warnings(&r, "image-attachment");
    assert_eq!(attachments.len(), 2, "{attachments:#?}");
    let til = format!("notes/{REAL_TIL}.md:");
    assert!(attachments.iter().all(|w| w.starts_with(&til)));
    // The remote image is kept as written.
    let remote = attrs(&f.html(&page_of(REAL_OS)), ".note-body img", "src");
    assert_eq!(
        remote,
        vec!["https://upload.wikimedia.org/wikipedia/commons/4/4a/Context_switch.png"]
    );
    assert!(texts(&f.html(&page_of(REAL_COMPARE)), ".image-missing")
        .contains(&"그림 없음: 프로세스_구조.png".to_string()));
    assert_no_dead(&f);
}

#[test]
fn sample_notes_show_their_diagrams() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = tempfile::tempdir().unwrap();
    let mut opts = gongbu::BuildOptions::new(root);
    opts.out = Some(out.path().join("site"));
    opts.no_cache = true;
    let r = gongbu::build(&opts, gongbu::Mode::Build);
    let image_warnings: Vec<String> = r
        .diagnostics
        .iter()
        .filter(|d| d.code.as_str().starts_with("image"))
        .map(|d| d.to_string())
        .collect();
    assert!(image_warnings.is_empty(), "{image_warnings:#?}");
    let site = out.path().join("site");
    let page = std::fs::read_to_string(site.join("os/process/프로세스.html")).unwrap();
    let doc = Html::parse_document(&page);
    let a = img_attrs(&doc, "figure img");
    assert_eq!(
        decode(attr(&a, "src").unwrap()),
        "images/프로세스 메모리 구조.svg"
    );
    assert_eq!(attr(&a, "width"), Some("640"));
    assert_eq!(attr(&a, "height"), Some("520"));
    assert!(site
        .join("os/process/images/프로세스 메모리 구조.svg")
        .is_file());
    assert!(site.join("os/scheduling/images/rr-gantt.png").is_file());
    let dead = dead_links(&site);
    assert!(dead.is_empty(), "{dead:#?}");
}

#[test]
fn raw_html_img_over_several_lines() {
    let f = Fixture::new();
    f.file("notes/My Images/a.png", &png(24, 12));
    f.note(
        "a.md",
        "# 가\n\n> <p align=\"center\">\n>   <img\n>     src=\"My Images/a.png\"\n>     alt=\"여러 줄\">\n> </p>\n\n<img\n  src=\"없음.png\">\n",
    );
    let r = f.build();
    let w = warnings(&r, "image-missing");
    assert_eq!(w.len(), 1, "{:#?}", diagnostics(&r));
    assert!(w[0].starts_with("notes/a.md:9:1 "), "{w:#?}");
    let doc = f.html("a.html");
    let a = img_attrs(&doc, "blockquote p[align=center] > img");
    assert_eq!(attr(&a, "src"), Some("my-images/a.png"));
    assert_eq!(attr(&a, "width"), Some("24"));
    assert_eq!(attr(&a, "alt"), Some("여러 줄"));
    assert_eq!(texts(&doc, ".image-missing"), vec!["그림 없음: 없음.png"]);
    assert_no_dead(&f);
}
