//! What a file under the notes root is as an image: its format sniffed from
//! its bytes (the extension may lie), its pixel size from its header (an
//! SVG's from the `width`/`height` or `viewBox` of its root element). Only
//! headers are read here; decoding and scaling is render's asset step
//! (`render::assets`).

use std::fs::File;
use std::io::{BufReader, Read};
use std::path::Path;

use crate::note::parse::html_attr;

/// An image format browsers show.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImageFormat {
    Png,
    Jpeg,
    Gif,
    Webp,
    Bmp,
    Ico,
    Avif,
    Svg,
    /// Not an image a browser shows (or not readable).
    Unknown,
}

impl ImageFormat {
    /// The usual file extension.
    pub fn extension(self) -> &'static str {
        match self {
            ImageFormat::Png => "png",
            ImageFormat::Jpeg => "jpg",
            ImageFormat::Gif => "gif",
            ImageFormat::Webp => "webp",
            ImageFormat::Bmp => "bmp",
            ImageFormat::Ico => "ico",
            ImageFormat::Avif => "avif",
            ImageFormat::Svg => "svg",
            ImageFormat::Unknown => "",
        }
    }

    /// Formats `render::assets` can re-encode without losing what the file is
    /// (a GIF may be animated, so it is left alone).
    pub fn can_downscale(self) -> bool {
        matches!(
            self,
            ImageFormat::Png | ImageFormat::Jpeg | ImageFormat::Webp
        )
    }
}

/// Format and pixel size of an image file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Probe {
    pub format: ImageFormat,
    /// (width, height) in CSS pixels, when the file says.
    pub size: Option<(u32, u32)>,
}

/// How much of a file is read to find an SVG's root element.
const SVG_HEAD: u64 = 64 * 1024;

/// Reads just enough of `path` to know its format and size.
pub(crate) fn probe(path: &Path) -> Probe {
    let unknown = Probe {
        format: ImageFormat::Unknown,
        size: None,
    };
    let Ok(file) = File::open(path) else {
        return unknown;
    };
    let mut reader = BufReader::new(file);
    if let Ok(kind) = imagesize::reader_type(&mut reader) {
        let format = match kind {
            imagesize::ImageType::Png => Some(ImageFormat::Png),
            imagesize::ImageType::Jpeg => Some(ImageFormat::Jpeg),
            imagesize::ImageType::Gif => Some(ImageFormat::Gif),
            imagesize::ImageType::Webp => Some(ImageFormat::Webp),
            imagesize::ImageType::Bmp => Some(ImageFormat::Bmp),
            imagesize::ImageType::Ico => Some(ImageFormat::Ico),
            imagesize::ImageType::Heif(_) => Some(ImageFormat::Avif),
            _ => None,
        };
        if let Some(format) = format {
            let size = kind
                .reader_size(&mut reader)
                .ok()
                .and_then(|s| Some((u32::try_from(s.width).ok()?, u32::try_from(s.height).ok()?)))
                .filter(|&(w, h)| w > 0 && h > 0);
            return Probe { format, size };
        }
    }
    let Ok(file) = File::open(path) else {
        return unknown;
    };
    let mut head = Vec::new();
    if file.take(SVG_HEAD).read_to_end(&mut head).is_err() {
        return unknown;
    }
    let text = String::from_utf8_lossy(&head);
    match svg_root(&text) {
        Some(root) => Probe {
            format: ImageFormat::Svg,
            size: svg_size(root),
        },
        None => unknown,
    }
}

/// The start tag of the root element when `text` is an SVG document:
/// the XML declaration, comments, processing instructions and a doctype
/// may come first.
pub(crate) fn svg_root(text: &str) -> Option<&str> {
    let mut rest = text.trim_start_matches('\u{feff}');
    loop {
        rest = rest.trim_start();
        if let Some(after) = rest.strip_prefix("<?") {
            rest = &after[after.find("?>")? + 2..];
        } else if let Some(after) = rest.strip_prefix("<!--") {
            rest = &after[after.find("-->")? + 3..];
        } else if rest.starts_with("<!") {
            // A doctype, possibly with an internal subset in brackets.
            let close = match (rest.find('['), rest.find('>')) {
                (Some(open), Some(gt)) if open < gt => open + rest[open..].find("]")? + 1,
                _ => 0,
            };
            rest = &rest[close + rest[close..].find('>')? + 1..];
        } else {
            break;
        }
    }
    let name_end = rest
        .find(|c: char| c.is_ascii_whitespace() || c == '>' || c == '/')
        .unwrap_or(rest.len());
    let name = rest.get(1..name_end)?;
    if !rest.starts_with('<') || !(name == "svg" || name.ends_with(":svg")) {
        return None;
    }
    let end = rest.find('>').map(|i| i + 1).unwrap_or(rest.len());
    Some(&rest[..end])
}

/// Pixel size of an SVG from its root start tag: `width`/`height` in
/// absolute units, else the `viewBox`, one completing the other's ratio.
pub(crate) fn svg_size(root: &str) -> Option<(u32, u32)> {
    let width = html_attr(root, "width").and_then(|v| svg_length(&v));
    let height = html_attr(root, "height").and_then(|v| svg_length(&v));
    let view_box = html_attr(root, "viewbox").and_then(|v| {
        let nums: Vec<f64> = v
            .split(|c: char| c.is_ascii_whitespace() || c == ',')
            .filter(|s| !s.is_empty())
            .map(str::parse)
            .collect::<Result<_, _>>()
            .ok()?;
        match nums[..] {
            [_, _, w, h] if w > 0.0 && h > 0.0 && w.is_finite() && h.is_finite() => Some((w, h)),
            _ => None,
        }
    });
    let (w, h) = match (width, height, view_box) {
        (Some(w), Some(h), _) => (w, h),
        (Some(w), None, Some((vw, vh))) => (w, w * vh / vw),
        (None, Some(h), Some((vw, vh))) => (h * vw / vh, h),
        (None, None, Some(vb)) => vb,
        _ => return None,
    };
    let px = |v: f64| {
        let r = v.round();
        (r >= 1.0 && r <= f64::from(u32::MAX)).then_some(r as u32)
    };
    Some((px(w)?, px(h)?))
}

/// An SVG length in CSS pixels; None for relative units (`%`, `em`).
fn svg_length(value: &str) -> Option<f64> {
    let v = value.trim();
    let split = v
        .find(|c: char| !(c.is_ascii_digit() || c == '.' || c == '-' || c == '+' || c == 'e'))
        .unwrap_or(v.len());
    let (num, unit) = v.split_at(split);
    let n: f64 = num.parse().ok()?;
    let factor = match unit.trim() {
        "" | "px" => 1.0,
        "pt" => 96.0 / 72.0,
        "pc" => 16.0,
        "in" => 96.0,
        "cm" => 96.0 / 2.54,
        "mm" => 96.0 / 25.4,
        _ => return None,
    };
    let px = n * factor;
    (px.is_finite() && px > 0.0).then_some(px)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn svg_sizes() {
        let root = svg_root("<?xml version=\"1.0\"?>\n<!-- 그림 -->\n<!DOCTYPE svg [<!ENTITY a \"b\">]>\n<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 300 150\"><rect/></svg>").unwrap();
        assert!(root.starts_with("<svg"));
        assert_eq!(svg_size(root), Some((300, 150)));
        assert_eq!(
            svg_size("<svg width=\"640\" height=\"520\" viewBox=\"0 0 10 10\">"),
            Some((640, 520))
        );
        assert_eq!(
            svg_size("<svg width=\"200px\" viewBox=\"0,0,400,100\">"),
            Some((200, 50))
        );
        assert_eq!(
            svg_size("<svg width=\"1in\" height=\"72pt\">"),
            Some((96, 96))
        );
        assert_eq!(
            svg_size("<svg width=\"100%\" height=\"100%\" viewBox=\"0 0 30 20\">"),
            Some((30, 20))
        );
        assert_eq!(svg_size("<svg width=\"100%\">"), None);
        assert_eq!(svg_size("<svg viewBox=\"0 0 0 10\">"), None);
        assert!(svg_root("<html><svg></svg></html>").is_none());
        assert!(svg_root("<svg:svg xmlns:svg=\"http://www.w3.org/2000/svg\">").is_some());
        assert!(svg_root("no markup").is_none());
    }
}
