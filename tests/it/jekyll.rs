//! Moving in from Jekyll: every URL the blog served still answers (the page
//! itself or a relative redirect page), links to old URLs resolve,
//! `_config.yml` is read, Liquid and kramdown render; and the sharing parts
//! of a page: og:image, og:locale, JSON-LD, per-category and per-tag feeds,
//! full-text feeds, the GitHub source links.

use crate::common::*;

fn png(w: u32, h: u32) -> Vec<u8> {
    let img = image::RgbImage::from_fn(w, h, |x, y| image::Rgb([x as u8, y as u8, 120]));
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png).unwrap();
    out.into_inner()
}

/// A Jekyll blog as people keep it: `_config.yml`, posts with categories in
/// front matter and in folders above `_posts/`, front matter dates that
/// differ from the file name, upper case and `[2]` in names, permalinks,
/// redirect_from, kramdown attribute lists and tables, Liquid tags.
fn jekyll_blog() -> Fixture {
    let f = Fixture::new();
    f.file(
        "_config.yml",
        "title: 지우의 운영체제 공부\ndescription: 운영체제를 공부하며 남기는 기록\nurl: https://jiwoo.github.io\nbaseurl: /blog\nauthor:\n  name: 김지우\n  email: jiwoo@example.com\nexcerpt_separator: <!--요약-->\npaginate: 2\nplugins:\n  - jekyll-feed\n  - jekyll-redirect-from\n"
            .as_bytes(),
    )
    .file("notes/assets/img/cover.png", &png(40, 20))
    .file("notes/assets/img/스케줄링 큐.png", &png(60, 30))
    .file("notes/assets/img/posts/교체.png", &png(50, 50))
    .note(
        "_posts/2021-03-05-Process-Scheduling.md",
        "---\nlayout: post\ntitle: \"프로세스 스케줄링 정리\"\nsubtitle: 선점형과 비선점형의 차이\ncategories: [OS, 스케줄링]\ntags: [스케줄링, CPU]\ndate: 2021-03-06 10:00:00 +0900\nimage:\n  path: /assets/img/cover.png\n  alt: 표지\n---\n\
스케줄러는 준비 큐에서 다음에 돌 프로세스를 고른다.\n\n\
![준비 큐](/assets/img/스케줄링%20큐.png)\n{: width=\"300\" height=\"150\" onerror=\"alert(1)\"}\n\n\
## 알고리즘 비교\n{: #compare .wide}\n\n\
| FCFS | 먼저 온 순서 |\n| SJF | 짧은 작업 먼저 |\n| RR | 시간 할당량 |\n\n\
{% highlight c linenos %}\nint quantum = 4;\n{% endhighlight %}\n\n\
다음 글: [페이지 교체]({% post_url 2021-04-01-페이지 교체[2] %}), [소개]({{ site.baseurl }}/about/)\n\n\
{% include adsense.html %}\n\n{% include adsense.html %}\n\n\
시간 할당량이 너무 작으면 문맥 교환 비용이 커진다.\n{: .notice--info}\n\n끝.\n",
    )
    .note(
        "os/_posts/2021-04-01-페이지 교체[2].md",
        "---\nlayout: post\ntitle: 페이지 교체 (2)\ntags: [메모리]\nmedia_subpath: /assets/img/posts\nimage: 교체.png\n---\n\
LRU와 FIFO를 비교해 본다. Belady의 이상 현상도 정리한다.\n\n<!--요약-->\n\n\
* 목차\n{:toc}\n\n\
## LRU\n\n![LRU 그림](교체.png)\n\n\
{% raw %}\n```\n{{ 이중 중괄호는 그대로 }}\n```\n{% endraw %}\n\n\
## FIFO\n\n\
앞 글: [스케줄링](https://jiwoo.github.io/blog/os/스케줄링/2021/03/06/Process-Scheduling.html), \
[같은 글]({{ site.baseurl }}/os/%EC%8A%A4%EC%BC%80%EC%A4%84%EB%A7%81/2021/03/06/Process-Scheduling.html), \
[예전 인사](/blog/old/hello.html), [링크 태그]({% link _posts/2020-12-31-hello.md %})\n",
    )
    .note(
        "_posts/2020-12-31-hello.md",
        "---\ntitle: 블로그를 열며\npermalink: /hello-world/\nredirect_from:\n  - /old/hello.html\n  - /2020/12/31/hello/\n---\n첫 글입니다.\n",
    )
    .note(
        "about.md",
        "---\nlayout: page\ntitle: 소개\npermalink: /about/\n---\n운영체제를 공부하는 학생입니다.\n",
    )
    .note(
        "Study Guide.md",
        "---\nlayout: page\ntitle: 공부 안내\n---\n[첫 글](/hello-world/)부터 읽어 주세요.\n",
    );
    f
}

/// The URLs the Jekyll blog served, computed here by hand from Jekyll's
/// rules (default permalink `/:categories/:year/:month/:day/:title:output_ext`,
/// categories lower-cased, front matter date first, `:title` cased with
/// `[2]` → `-2`; pages at `/:path/:basename:output_ext` or their permalink).
const OLD_URLS: &[&str] = &[
    "/os/스케줄링/2021/03/06/Process-Scheduling.html",
    "/os/2021/04/01/페이지-교체-2.html",
    "/hello-world/",
    "/old/hello.html",
    "/2020/12/31/hello/",
    "/about/",
    "/Study Guide.html",
    // jekyll-paginate with `paginate: 2` and three posts: the home page's
    // second page.
    "/page2/",
];

/// The file a URL is served from, as GitHub Pages does.
fn served_file(url: &str) -> String {
    let path = url.trim_start_matches('/');
    if path.ends_with('/') {
        format!("{path}index.html")
    } else {
        path.to_string()
    }
}

/// Follows a redirect page's meta refresh (relative) to the page.
fn refresh_target(page: &str, html: &str) -> Option<String> {
    let doc = scraper::Html::parse_document(html);
    let content = attrs(&doc, "meta[http-equiv=refresh]", "content")
        .into_iter()
        .next()?;
    let href = content.split_once("url=")?.1.to_string();
    let mut parts: Vec<&str> = page.split('/').collect();
    parts.pop();
    for seg in href.split('/') {
        match seg {
            ".." => {
                parts.pop();
            }
            s => parts.push(s),
        }
    }
    let joined = parts.join("/");
    Some(
        percent_encoding::percent_decode_str(&joined)
            .decode_utf8_lossy()
            .into_owned(),
    )
}

#[test]
fn every_old_jekyll_url_still_answers() {
    let f = jekyll_blog();
    let r = f.build();
    assert_eq!(r.exit_code(), 0, "{:#?}", diagnostics(&r));
    for url in OLD_URLS {
        let file = served_file(url);
        let path = f.out().join(&file);
        assert!(path.is_file(), "old URL {url} has no file {file}");
        let html = std::fs::read_to_string(&path).unwrap();
        let page = match refresh_target(&file, &html) {
            Some(target) => {
                let doc = scraper::Html::parse_document(&html);
                assert_eq!(
                    attrs(&doc, "link[rel=canonical]", "href").len(),
                    1,
                    "{file}"
                );
                assert!(
                    !attrs(&doc, "body a", "href").is_empty(),
                    "{file}: visible link"
                );
                assert!(!target.starts_with('/'), "{file}: relative redirect");
                let html = std::fs::read_to_string(f.out().join(&target))
                    .unwrap_or_else(|e| panic!("{url} → {target}: {e}"));
                assert!(
                    refresh_target(&target, &html).is_none(),
                    "{url}: redirect chain"
                );
                html
            }
            None => html,
        };
        let doc = scraper::Html::parse_document(&page);
        let kind = if url.starts_with("/page") {
            "body.kind-home"
        } else {
            "h1.note-title"
        };
        assert_eq!(
            texts(&doc, kind).len(),
            1,
            "{url} is not the page it should be"
        );
    }
    // Posts live where Jekyll put them; a page whose name gongbu would
    // change keeps gongbu's URL and its old one redirects.
    assert!(!f
        .read("os/스케줄링/2021/03/06/Process-Scheduling.html")
        .contains("http-equiv"));
    assert!(f.read("Study Guide.html").contains("study-guide.html"));
    assert!(
        dead_links(&f.out()).is_empty(),
        "{:#?}",
        dead_links(&f.out())
    );
    let broken: Vec<String> = diagnostics(&r)
        .into_iter()
        .filter(|d| d.contains("broken-link") || d.contains("깨진 링크"))
        .collect();
    assert!(broken.is_empty(), "{broken:#?}");
}

#[test]
fn links_to_old_urls_reach_the_pages() {
    let f = jekyll_blog();
    assert_eq!(f.build().exit_code(), 0);
    let doc = f.html("os/2021/04/01/페이지-교체-2.html");
    let hrefs = attrs(&doc, ".note-body a", "href");
    let to_post =
        "../../../%EC%8A%A4%EC%BC%80%EC%A4%84%EB%A7%81/2021/03/06/Process-Scheduling.html";
    assert_eq!(
        hrefs.iter().filter(|h| *h == to_post).count(),
        2,
        "{hrefs:#?}"
    );
    assert!(
        hrefs.contains(&"../../../../hello-world/index.html".to_string()),
        "{hrefs:#?}"
    );
    let doc = f.html("os/스케줄링/2021/03/06/Process-Scheduling.html");
    let hrefs = attrs(&doc, ".note-body a", "href");
    assert!(
        hrefs
            .iter()
            .any(|h| h
                .ends_with("/2021/04/01/%ED%8E%98%EC%9D%B4%EC%A7%80-%EA%B5%90%EC%B2%B4-2.html")),
        "{hrefs:#?}"
    );
    assert!(
        hrefs.iter().any(|h| h.ends_with("about/index.html")),
        "{hrefs:#?}"
    );
}

#[test]
fn config_yml_liquid_and_kramdown() {
    let f = jekyll_blog();
    let r = f.build();
    let doc = f.html("os/스케줄링/2021/03/06/Process-Scheduling.html");
    // _config.yml: title, author, url + baseurl.
    assert!(text(&doc, "title").contains("지우의 운영체제 공부"));
    assert_eq!(
        attrs(&doc, "link[rel=canonical]", "href"),
        vec!["https://jiwoo.github.io/blog/os/%EC%8A%A4%EC%BC%80%EC%A4%84%EB%A7%81/2021/03/06/Process-Scheduling.html"]
    );
    // kramdown: image size, heading id and class, table without separator.
    let img = doc.select(&sel(".note-body img")).next().expect("image");
    assert_eq!(img.value().attr("width"), Some("300"));
    assert_eq!(img.value().attr("onerror"), None);
    let h = doc.select(&sel("h2#compare")).next().expect("heading id");
    assert!(h.value().attr("class").unwrap_or("").contains("wide"));
    assert_eq!(texts(&doc, ".note-body table tr").len(), 3, "rows");
    assert!(!text(&doc, ".note-body").contains("{:"));
    assert_eq!(texts(&doc, "p.notice--info").len(), 1);
    // Liquid: highlight with line numbers became code; the unknown tag stays
    // visible and is reported once, at its line.
    assert!(text(&doc, ".note-body pre").contains("int quantum = 4;"));
    assert!(!text(&doc, ".note-body").contains("highlight"));
    assert!(text(&doc, ".note-body").contains("{% include adsense.html %}"));
    let liquid: Vec<_> = r
        .diagnostics
        .iter()
        .filter(|d| d.code == "liquid")
        .collect();
    assert_eq!(liquid.len(), 1, "{liquid:#?}");
    assert!(liquid[0].message.contains("`include`"));
    assert_eq!(liquid[0].line, 30, "{}", liquid[0]);
    assert!(liquid[0]
        .path
        .as_deref()
        .unwrap_or("")
        .ends_with("Process-Scheduling.md"));
    // subtitle under the title and as description.
    assert_eq!(text(&doc, ".note-subtitle"), "선점형과 비선점형의 차이");
    assert_eq!(
        attrs(&doc, "meta[name=description]", "content"),
        vec!["선점형과 비선점형의 차이"]
    );

    let doc = f.html("os/2021/04/01/페이지-교체-2.html");
    // {% raw %} keeps the braces, {:toc} lists the headings, the excerpt ends
    // at _config.yml's separator.
    assert!(text(&doc, ".note-body pre").contains("{{ 이중 중괄호는 그대로 }}"));
    assert_eq!(texts(&doc, ".kramdown-toc a"), vec!["LRU", "FIFO"]);
    // Chirpy's media_subpath: images and the cover under it.
    assert!(attrs(&doc, ".note-body img", "src")
        .iter()
        .any(|s| s.ends_with("assets/img/posts/%EA%B5%90%EC%B2%B4.png")));
    assert_eq!(
        attrs(&doc, "meta[property='og:image']", "content"),
        vec!["https://jiwoo.github.io/blog/assets/img/posts/%EA%B5%90%EC%B2%B4.png"]
    );
    assert_eq!(
        attrs(&doc, "meta[name=description]", "content"),
        vec!["LRU와 FIFO를 비교해 본다. Belady의 이상 현상도 정리한다."]
    );
    // The cover is the post's thumbnail in lists.
    let home = f.html("index.html");
    assert!(attrs(&home, ".note-thumb", "src").contains(&"assets/img/cover.png".to_string()));
    // The feed is also where jekyll-feed put it.
    assert_eq!(f.read("feed.xml"), f.read("atom.xml"));
}

#[test]
fn named_permalink_styles_and_front_matter_dates() {
    let f = Fixture::new();
    f.file("notes/_config.yml", b"permalink: pretty\n")
        .note(
            "_posts/2019-01-02-Hello World.md",
            "---\ndate: 2019-01-05\ncategory: 일기\n---\n본문\n",
        )
        .note(
            "_posts/2019-02-03-둘째.md",
            "[첫 글]({% post_url 2019-01-02-Hello World %})\n",
        )
        .note(
            "_posts/2019-03-01-새벽.md",
            "---\ndate: 2019-03-01 08:30:00 +0900\n---\nGitHub Pages는 UTC로 빌드해 날짜가 하루 앞선다\n",
        );
    let r = f.build();
    assert_eq!(r.exit_code(), 0, "{:#?}", diagnostics(&r));
    // Without `timezone:` Jekyll on GitHub Pages dated posts in UTC.
    assert!(f.out().join("2019/02/28/새벽/index.html").is_file());
    assert_eq!(f.build().exit_code(), 0);
    assert!(f
        .out()
        .join("일기/2019/01/05/Hello-World/index.html")
        .is_file());
    let doc = f.html("2019/02/03/둘째/index.html");
    assert_eq!(
        attrs(&doc, ".note-body a", "href"),
        vec!["../../../../%EC%9D%BC%EA%B8%B0/2019/01/05/Hello-World/index.html"]
    );
}

#[test]
fn two_redirects_or_a_redirect_on_a_page_are_errors_naming_both() {
    let f = Fixture::new();
    f.note(
        "가.md",
        "---\ntitle: 가\nredirect_from: [/old/a.html]\n---\n본문\n",
    )
    .note(
        "나.md",
        "---\ntitle: 나\naliases: [/old/a.html, 다른 이름]\n---\n본문\n",
    )
    .note(
        "다.md",
        "---\ntitle: 다\nredirect_from: /가.html\n---\n본문\n",
    )
    .note(
        "about.md",
        "---\ntitle: 소개\nredirect_from: /About.html\n---\n본문\n",
    );
    let r = f.build();
    assert_eq!(r.exit_code(), 1);
    let errors: Vec<String> = r
        .diagnostics
        .iter()
        .filter(|d| d.code == "redirect-conflict")
        .map(|d| d.to_string())
        .collect();
    assert_eq!(errors.len(), 2, "{errors:#?}");
    assert!(errors
        .iter()
        .any(|e| e.contains("notes/가.md") && e.contains("notes/나.md")));
    assert!(errors
        .iter()
        .any(|e| e.contains("notes/가.md") && e.contains("notes/다.md")));
    let case = r
        .diagnostics
        .iter()
        .find(|d| d.code == "redirect-case")
        .unwrap();
    assert!(
        case.message.contains("About.html") && !case.is_error(),
        "{case}"
    );
    let d = r
        .diagnostics
        .iter()
        .find(|d| d.code == "redirect-conflict")
        .unwrap();
    assert!(d.line >= 2, "{d}");
}

#[test]
fn aliases_that_are_paths_redirect_and_names_still_link() {
    let f = Fixture::new();
    f.note(
        "os/프로세스.md",
        "---\ntitle: 프로세스\naliases: [/posts/process/, 프로세스 개념]\n---\n본문\n",
    )
    .note(
        "b.md",
        "[[프로세스 개념]] 그리고 [옛 주소](/posts/process/)\n",
    );
    assert_eq!(f.build().exit_code(), 0);
    let html = f.read("posts/process/index.html");
    assert!(
        html.contains("url=../../os/%ED%94%84%EB%A1%9C%EC%84%B8%EC%8A%A4.html"),
        "{html}"
    );
    let doc = f.html("b.html");
    assert_eq!(
        attrs(&doc, ".note-body a", "href"),
        vec!["os/%ED%94%84%EB%A1%9C%EC%84%B8%EC%8A%A4.html"; 2]
    );
    // Not a Jekyll site: no feed.xml, Liquid-looking text untouched.
    assert!(!f.out().join("feed.xml").exists());
}

#[test]
fn sharing_image_locale_json_ld_feeds_and_source_links() {
    let f = Fixture::new();
    f.config("title: 노트\nbase_url: https://u.github.io/notes/\nlanguage: en\nrepo_url: https://github.com/u/notes\nfeed_content: full\nog_image: assets/site.png\n")
        .file("notes/images/그림 1.png", &png(30, 30))
        .note("os/스레드.md", "---\ntitle: 스레드\ndate: 2026-01-02\ntags: [동시성]\n---\n본문 <b>굵게</b>\n\n![그림](../images/그림%201.png)\n")
        .note("os/프로세스.md", "---\ntitle: 프로세스\ndate: 2026-01-03\ncover: https://cdn.example.com/p.png\n---\n본문\n")
        .note("os/메모리.md", "---\ntitle: 메모리\ndate: 2026-01-04\n---\n그림 없음\n");
    let r = f.build();
    assert_eq!(r.exit_code(), 0, "{:#?}", diagnostics(&r));
    let doc = f.html("os/스레드.html");
    assert_eq!(
        attrs(&doc, "meta[property='og:image']", "content"),
        vec!["https://u.github.io/notes/images/%EA%B7%B8%EB%A6%BC%201.png"]
    );
    assert_eq!(
        attrs(&doc, "meta[property='og:locale']", "content"),
        vec!["en_US"]
    );
    let json = doc
        .select(&sel("script[type='application/ld+json']"))
        .next()
        .expect("json-ld")
        .inner_html();
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["@type"], "Article");
    assert_eq!(v["headline"], "스레드");
    assert_eq!(v["datePublished"], "2026-01-02T00:00:00+09:00");
    assert_eq!(
        attrs(&doc, ".note-source a", "href"),
        vec![
            "https://github.com/u/notes/blob/main/notes/os/%EC%8A%A4%EB%A0%88%EB%93%9C.md",
            "https://github.com/u/notes/edit/main/notes/os/%EC%8A%A4%EB%A0%88%EB%93%9C.md"
        ]
    );
    let doc = f.html("os/프로세스.html");
    assert_eq!(
        attrs(&doc, "meta[property='og:image']", "content"),
        vec!["https://cdn.example.com/p.png"]
    );
    let doc = f.html("os/메모리.html");
    assert_eq!(
        attrs(&doc, "meta[property='og:image']", "content"),
        vec!["https://u.github.io/notes/assets/site.png"]
    );
    // A feed per tag and per category, linked from their pages; full text.
    let tag_page = f.html("tags/동시성.html");
    let feeds = attrs(
        &tag_page,
        "link[rel=alternate][type='application/atom+xml']",
        "href",
    );
    assert!(
        feeds.contains(&"../tags/%EB%8F%99%EC%8B%9C%EC%84%B1.atom.xml".to_string()),
        "{feeds:?}"
    );
    let feed = f.read("tags/동시성.atom.xml");
    let xml = roxmltree::Document::parse(&feed).unwrap();
    let entries: Vec<_> = xml
        .descendants()
        .filter(|n| n.has_tag_name("entry"))
        .collect();
    assert_eq!(entries.len(), 1);
    let content = entries[0]
        .descendants()
        .find(|n| n.has_tag_name("content"))
        .and_then(|n| n.text())
        .unwrap();
    assert!(content.contains("<b>굵게</b>"), "{content}");
    let cat_page = f.html("categories/os.html");
    let feeds = attrs(
        &cat_page,
        "link[rel=alternate][type='application/atom+xml']",
        "href",
    );
    assert!(
        feeds.contains(&"../categories/os.atom.xml".to_string()),
        "{feeds:?}"
    );
    let feed = f.read("categories/os.atom.xml");
    let xml = roxmltree::Document::parse(&feed).unwrap();
    assert_eq!(
        xml.descendants()
            .filter(|n| n.has_tag_name("entry"))
            .count(),
        3
    );
}

#[test]
fn gongbu_yaml_wins_over_config_yml() {
    let f = Fixture::new();
    f.config("title: 내 노트\nbase_url: https://notes.example.com/\n")
        .file(
            "_config.yml",
            b"title: Old Jekyll Blog\nurl: https://old.github.io\nbaseurl: /blog\ntimezone: Asia/Seoul\n",
        )
        .note(
            "_posts/2020-05-01-새벽 글.md",
            "---\ndate: 2020-05-01 08:30:00 +0900\n---\n본문\n",
        );
    assert_eq!(f.build().exit_code(), 0);
    // timezone: Asia/Seoul keeps the written day.
    let doc = f.html("2020/05/01/새벽-글.html");
    assert!(text(&doc, "title").contains("내 노트"));
    assert_eq!(
        attrs(&doc, "link[rel=canonical]", "href"),
        vec!["https://notes.example.com/2020/05/01/%EC%83%88%EB%B2%BD-%EA%B8%80.html"]
    );
}
