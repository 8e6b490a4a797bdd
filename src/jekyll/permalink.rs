//! The URL Jekyll gave a post or a page: its slug rules (`Utils.slugify`,
//! modes `default` and `pretty`), its named permalink styles and the
//! `:placeholder` patterns of `_config.yml` and front matter `permalink:`.

// Raw note text reaches this module: no indexing or slicing that can panic.
#![cfg_attr(not(test), deny(clippy::indexing_slicing, clippy::string_slice))]

use chrono::{Datelike, NaiveDate, NaiveTime, Timelike};

/// Jekyll's `Utils.slugify`. `pretty` keeps `._~!$&'()+,;=@` as well as
/// letters, marks and digits; everything else becomes one `-`; one `-` is
/// trimmed from each end; lower-cased unless `cased`.
pub(crate) fn slugify(s: &str, pretty: bool, cased: bool) -> String {
    let keep = |c: char| {
        c.is_alphabetic()
            || c.is_numeric()
            || is_mark(c)
            || (pretty && "._~!$&'()+,;=@".contains(c))
    };
    let mut out = String::with_capacity(s.len());
    let mut in_run = false;
    for c in s.chars() {
        if keep(c) {
            out.push(c);
            in_run = false;
        } else if !in_run {
            out.push('-');
            in_run = true;
        }
    }
    let out = out.strip_prefix('-').unwrap_or(&out);
    let out = out.strip_suffix('-').unwrap_or(out);
    if cased {
        out.to_string()
    } else {
        out.to_lowercase()
    }
}

/// Combining marks (\p{M}) that `is_alphabetic` leaves out.
fn is_mark(c: char) -> bool {
    matches!(c as u32, 0x0300..=0x036F | 0x1AB0..=0x1AFF | 0x20D0..=0x20FF | 0xFE20..=0xFE2F)
}

/// The pattern of a named style, or the pattern itself.
pub(crate) fn style_pattern(style: &str) -> String {
    match style.trim() {
        "" | "date" => "/:categories/:year/:month/:day/:title:output_ext".to_string(),
        "pretty" => "/:categories/:year/:month/:day/:title/".to_string(),
        "ordinal" => "/:categories/:year/:y_day/:title:output_ext".to_string(),
        "weekdate" => "/:categories/:year/W:week/:short_day/:title:output_ext".to_string(),
        "none" => "/:categories/:title:output_ext".to_string(),
        other => other.to_string(),
    }
}

/// What a post's placeholders are filled from.
#[derive(Debug, Clone)]
pub(crate) struct PostFacts<'a> {
    pub date: NaiveDate,
    pub time: Option<NaiveTime>,
    /// Folders above `_posts/`, then front matter categories.
    pub categories: &'a [String],
    /// The file name's slug part (`hello-World[2]`) or front matter `slug`.
    pub slug: &'a str,
    /// Whether `slug` came from the front matter.
    pub slug_from_front: bool,
    /// The file name without its extension.
    pub basename: &'a str,
}

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];
const DAYS: [&str; 7] = [
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
];

fn placeholder(name: &str, p: &PostFacts<'_>) -> Option<String> {
    let d = p.date;
    let t = p.time.unwrap_or(NaiveTime::MIN);
    let month_name = MONTHS.get(d.month0() as usize).copied().unwrap_or("");
    let day_name = DAYS
        .get(d.weekday().num_days_from_monday() as usize)
        .copied()
        .unwrap_or("");
    Some(match name {
        "year" => format!("{:04}", d.year()),
        "short_year" => format!("{:02}", d.year() % 100),
        "month" => format!("{:02}", d.month()),
        "i_month" => d.month().to_string(),
        "short_month" => month_name.chars().take(3).collect(),
        "long_month" => month_name.to_string(),
        "day" => format!("{:02}", d.day()),
        "i_day" => d.day().to_string(),
        "y_day" => format!("{:03}", d.ordinal()),
        "w_year" => d.iso_week().year().to_string(),
        "week" => format!("{:02}", d.iso_week().week()),
        "w_day" => d.weekday().number_from_monday().to_string(),
        "short_day" => day_name.chars().take(3).collect(),
        "long_day" => day_name.to_string(),
        "hour" => format!("{:02}", t.hour()),
        "minute" => format!("{:02}", t.minute()),
        "second" => format!("{:02}", t.second()),
        "title" => slugify(p.slug, true, true),
        "slug" => {
            if p.slug_from_front {
                slugify(p.slug, false, false)
            } else {
                slugify(p.basename, false, false)
            }
        }
        "name" => slugify(p.basename, false, false),
        "categories" => {
            let mut seen: Vec<String> = Vec::new();
            for c in p.categories {
                let c = c.to_lowercase();
                if !seen.contains(&c) {
                    seen.push(c);
                }
            }
            seen.join("/")
        }
        "output_ext" => ".html".to_string(),
        "path" | "basename" => return None,
        _ => return None,
    })
}

/// Fills a permalink pattern for a post. Unknown placeholders stay as
/// written, as Jekyll 3 left them.
pub(crate) fn expand(pattern: &str, post: &PostFacts<'_>) -> String {
    let mut out = String::with_capacity(pattern.len() + 32);
    let mut rest = pattern;
    while let Some(i) = rest.find(':') {
        out.push_str(rest.get(..i).unwrap_or(""));
        let after = rest.get(i + 1..).unwrap_or("");
        let len = after
            .find(|c: char| !(c.is_ascii_lowercase() || c == '_'))
            .unwrap_or(after.len());
        // The longest name that is a placeholder (`:title_` style trailers).
        let mut matched = None;
        for l in (1..=len).rev() {
            let name = after.get(..l).unwrap_or("");
            if let Some(v) = placeholder(name, post) {
                matched = Some((l, v));
                break;
            }
        }
        match matched {
            Some((l, v)) => {
                out.push_str(&v);
                rest = after.get(l..).unwrap_or("");
            }
            None => {
                out.push(':');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    squeeze_slashes(&out)
}

fn squeeze_slashes(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 1);
    if !s.starts_with('/') {
        out.push('/');
    }
    for c in s.chars() {
        if c == '/' && out.ends_with('/') {
            continue;
        }
        out.push(c);
    }
    out.replace("/./", "/")
}

/// The file a URL path was served from: `/a/b/` → `a/b/index.html`,
/// `/a/b` → `a/b.html` (GitHub Pages serves `b.html` for `/a/b`),
/// `/a/b.html` → `a/b.html`. Percent escapes are decoded; paths leaving
/// the site (`..`) or empty give None.
pub(crate) fn url_to_file(url: &str) -> Option<String> {
    let url = url.trim();
    let url = url.split(['#', '?']).next().unwrap_or("");
    let url = crate::korean::nfc(&crate::urls::decode(url));
    let parts: Vec<&str> = url
        .split('/')
        .filter(|s| !s.is_empty() && *s != ".")
        .collect();
    if parts.contains(&"..") {
        return None;
    }
    let path = parts.join("/");
    if path.is_empty() || url.ends_with('/') {
        return Some(if path.is_empty() {
            "index.html".to_string()
        } else {
            format!("{path}/index.html")
        });
    }
    let last = parts.last().copied().unwrap_or("");
    if last.contains('.') {
        Some(path)
    } else {
        Some(format!("{path}.html"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn post<'a>(cats: &'a [String], slug: &'a str) -> PostFacts<'a> {
        PostFacts {
            date: NaiveDate::from_ymd_opt(2020, 3, 7).unwrap(),
            time: None,
            categories: cats,
            slug,
            slug_from_front: false,
            basename: "2020-03-07-x",
        }
    }

    #[test]
    fn slug_modes() {
        assert_eq!(slugify("운영체제 정리[2]", true, true), "운영체제-정리-2");
        assert_eq!(slugify("Hello World", true, true), "Hello-World");
        assert_eq!(
            slugify(" Q*bert says _@!#?@!", true, false),
            "q-bert-says-_@!-@!"
        );
        assert_eq!(slugify(" Q*bert says @!#@!", false, false), "q-bert-says");
    }

    #[test]
    fn default_and_named_styles() {
        let cats = vec!["OS".to_string(), "Memory".to_string(), "os".to_string()];
        let p = post(&cats, "Paging[2]");
        assert_eq!(
            expand(&style_pattern("date"), &p),
            "/os/memory/2020/03/07/Paging-2.html"
        );
        assert_eq!(
            expand(&style_pattern("pretty"), &p),
            "/os/memory/2020/03/07/Paging-2/"
        );
        assert_eq!(
            expand(&style_pattern("ordinal"), &p),
            "/os/memory/2020/067/Paging-2.html"
        );
        assert_eq!(
            expand(&style_pattern("none"), &p),
            "/os/memory/Paging-2.html"
        );
        let none: Vec<String> = Vec::new();
        assert_eq!(
            expand("/blog/:year/:i_month/:title", &post(&none, "a b")),
            "/blog/2020/3/a-b"
        );
    }

    #[test]
    fn files_behind_urls() {
        assert_eq!(url_to_file("/a/b/").unwrap(), "a/b/index.html");
        assert_eq!(url_to_file("/a/b").unwrap(), "a/b.html");
        assert_eq!(url_to_file("a/b.html").unwrap(), "a/b.html");
        assert_eq!(url_to_file("/%ED%94%84.html").unwrap(), "프.html");
        assert!(url_to_file("/../x").is_none());
        assert_eq!(url_to_file("/").unwrap(), "index.html");
    }
}
