//! The asset step of render: images wider than `images.max_width` decoded,
//! turned upright, scaled and encoded again, after the site index decided
//! which ones (from their headers) and before any page is rendered, since a
//! page shows the copy's size and whether one was kept at all.

use std::io::Cursor;
use std::path::Path;

use image::{DynamicImage, ImageDecoder, ImageReader};
use rayon::prelude::*;

use crate::diagnostic::{Code, Diagnostic};
use crate::index::image_file::ImageFormat;
use crate::index::images::{scaled_url, ScaledImage};
use crate::index::SiteIndex;

/// Makes the scaled copy of every image the index marked for it
/// ([`crate::index::images::ImageInfo::scale_to`]), in parallel. A copy not
/// smaller than its original is dropped; one that cannot be made is a
/// warning and the page shows the original. `display_prefix` is the notes
/// folder as seen from the site root, for messages.
pub(crate) fn scale_images(
    index: &mut SiteIndex,
    display_prefix: &str,
    diags: &mut Vec<Diagnostic>,
) {
    let max_pixels = index.config.images.pixel_limit();
    let warnings: Vec<Diagnostic> = index
        .image_info
        .par_iter_mut()
        .filter_map(|(rel, info)| {
            let max = info.scale_to?;
            match downscale(&info.source, info.format, max, max_pixels) {
                Ok(None) => None,
                Ok(Some(small)) => {
                    info.scaled = Some(ScaledImage {
                        url: scaled_url(rel, max, info.format),
                        width: small.width,
                        height: small.height,
                        bytes: small.bytes,
                    });
                    None
                }
                Err(e) => {
                    let shown = if display_prefix.is_empty() {
                        rel.clone()
                    } else {
                        format!("{display_prefix}/{rel}")
                    };
                    Some(
                        Diagnostic::warning(
                            Code::ImageResize,
                            format!("그림을 {max}px 너비로 줄이지 못해 원본을 씁니다: {e}"),
                        )
                        .with_path(shown),
                    )
                }
            }
        })
        .collect();
    diags.extend(warnings);
}

/// A smaller copy of an image: its encoded bytes and pixel size.
struct Downscaled {
    pub bytes: Vec<u8>,
    pub width: u32,
    pub height: u32,
}

/// Decodes `path` (in `format`), turns it upright as its EXIF says, scales
/// it to `max_width` wide and encodes it again in the same format. None when
/// the upright image is not wider than `max_width` or the copy would not be
/// smaller than the file; Err is a message for a warning.
fn downscale(
    path: &Path,
    format: ImageFormat,
    max_width: u32,
    max_pixels: u64,
) -> Result<Option<Downscaled>, String> {
    let bytes = std::fs::read(path).map_err(|e| e.to_string())?;
    let codec = match format {
        ImageFormat::Png => image::ImageFormat::Png,
        ImageFormat::Jpeg => image::ImageFormat::Jpeg,
        ImageFormat::Webp => image::ImageFormat::WebP,
        _ => return Err("줄일 수 없는 형식입니다".to_string()),
    };
    if format == ImageFormat::Png && is_animated_png(&bytes) {
        return Err("움직이는 PNG(APNG)는 줄이지 않습니다".to_string());
    }
    // The header was checked against `max_pixels`; the decoder's own
    // limits guard against a header that lies.
    let mut reader = ImageReader::with_format(Cursor::new(&bytes), codec);
    let mut limits = image::Limits::default();
    limits.max_alloc = Some(max_pixels.saturating_mul(4).saturating_add(16 << 20));
    reader.limits(limits);
    let mut decoder = reader.into_decoder().map_err(|e| e.to_string())?;
    let orientation = decoder.orientation().map_err(|e| e.to_string())?;
    let mut img = DynamicImage::from_decoder(decoder).map_err(|e| e.to_string())?;
    img.apply_orientation(orientation);
    if img.width() <= max_width {
        return Ok(None);
    }
    let height = (u64::from(img.height()) * u64::from(max_width))
        .div_ceil(u64::from(img.width()))
        .max(1);
    let height = u32::try_from(height).map_err(|e| e.to_string())?;
    // Area averaging: it only ever shrinks here, and is several times
    // faster than a convolution filter for the same look.
    let small = img.thumbnail_exact(max_width, height);
    let mut out = Cursor::new(Vec::new());
    match format {
        ImageFormat::Jpeg => {
            let encoder = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 85);
            small.to_rgb8().write_with_encoder(encoder)
        }
        _ => small.write_to(&mut out, codec),
    }
    .map_err(|e| e.to_string())?;
    let out = out.into_inner();
    if out.len() >= bytes.len() {
        return Ok(None);
    }
    Ok(Some(Downscaled {
        bytes: out,
        width: max_width,
        height,
    }))
}

/// An APNG has an `acTL` chunk before its first `IDAT`.
fn is_animated_png(bytes: &[u8]) -> bool {
    let idat = bytes.windows(4).position(|w| w == b"IDAT");
    let actl = bytes.windows(4).position(|w| w == b"acTL");
    matches!((actl, idat), (Some(a), Some(i)) if a < i)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn downscaled_copy_is_kept_only_when_smaller() {
        let dir = tempfile::tempdir().unwrap();
        let noise = image::RgbImage::from_fn(400, 300, |x, y| {
            let v = (x.wrapping_mul(7919) ^ y.wrapping_mul(104729)).wrapping_mul(2654435761);
            image::Rgb([(v >> 8) as u8, (v >> 16) as u8, (v >> 24) as u8])
        });
        // A heavily compressed JPEG: re-encoding it at quality 85 only grows.
        let tiny = dir.path().join("tiny.jpg");
        let mut f = std::fs::File::create(&tiny).unwrap();
        image::codecs::jpeg::JpegEncoder::new_with_quality(&mut f, 5)
            .encode_image(&noise)
            .unwrap();
        assert!(downscale(
            &tiny,
            ImageFormat::Jpeg,
            300,
            crate::config::DEFAULT_MAX_PIXELS
        )
        .unwrap()
        .is_none());
        let png = dir.path().join("noise.png");
        noise.save(&png).unwrap();
        let small = downscale(
            &png,
            ImageFormat::Png,
            100,
            crate::config::DEFAULT_MAX_PIXELS,
        )
        .unwrap()
        .unwrap();
        assert_eq!((small.width, small.height), (100, 75));
        let probe_small = imagesize::blob_size(&small.bytes).unwrap();
        assert_eq!((probe_small.width, probe_small.height), (100, 75));
        assert!(downscale(
            &png,
            ImageFormat::Png,
            400,
            crate::config::DEFAULT_MAX_PIXELS
        )
        .unwrap()
        .is_none());
        assert!(downscale(
            &png,
            ImageFormat::Jpeg,
            100,
            crate::config::DEFAULT_MAX_PIXELS
        )
        .is_err());
    }

    #[test]
    fn apng_is_detected() {
        assert!(is_animated_png(b"\x89PNG....acTL....IDAT"));
        assert!(!is_animated_png(b"\x89PNG....IDAT....acTL"));
    }
}
