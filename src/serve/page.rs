//! The page at `/`: Trunk's built `dist/`, attached to this server by a `<meta name="conflab-serve"
//! content="/conflab">` inserted before `</head>` of `index.html` (the page reads it and follows the server
//! instead of running its own engine). Without a built page, `/` says how to build one.

use std::path::{Component, Path, PathBuf};

/// The tag that tells the page it is attached to a server, and where the control API is.
pub const ATTACH_META: &str = "<meta name=\"conflab-serve\" content=\"/conflab\">";

/// The page directory: `--page-dir`, else `dist` in the current directory, else the crate's own `dist`.
pub fn find_dir(given: Option<PathBuf>) -> Option<PathBuf> {
    if given.is_some() {
        return given;
    }
    [
        PathBuf::from("dist"),
        Path::new(env!("CARGO_MANIFEST_DIR")).join("dist"),
    ]
    .into_iter()
    .find(|d| d.join("index.html").is_file())
}

/// What `/` answers without a built page.
pub const NO_PAGE: &str = "<!doctype html><meta charset=\"utf-8\"><title>conflab serve</title>\
<h1>conflab serve</h1><p>The FreeClimb API is at <code>/apiserver</code> and the control API at \
<code>/conflab</code>. The page is not built: run <code>./x serve</code> in the conflab checkout, or \
<code>trunk build --release --offline</code>, then start <code>conflab serve</code> again (or pass \
<code>--page-dir DIR</code>).</p>\n";

/// The file for a URL path under `dir` (`/` is `index.html`), or `None` for a path that leaves it.
pub fn file_for(dir: &Path, url_path: &str) -> Option<PathBuf> {
    let rel = url_path.trim_start_matches('/');
    let rel = if rel.is_empty() { "index.html" } else { rel };
    let rel = Path::new(rel);
    if rel.components().any(|c| !matches!(c, Component::Normal(_))) {
        return None;
    }
    Some(dir.join(rel))
}

/// `index.html` with [`ATTACH_META`] before `</head>` (or at the start, without one).
pub fn attach(index: &str) -> String {
    match index.find("</head>") {
        Some(i) => format!("{}{ATTACH_META}{}", &index[..i], &index[i..]),
        None => format!("{ATTACH_META}{index}"),
    }
}

/// The content type of a file, by its extension.
pub fn content_type(path: &Path) -> &'static str {
    match path.extension().and_then(|e| e.to_str()) {
        Some("html") => "text/html; charset=utf-8",
        Some("js") => "text/javascript",
        Some("wasm") => "application/wasm",
        Some("css") => "text/css",
        Some("json") => "application/json",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        Some("ico") => "image/x-icon",
        Some("wav") => "audio/wav",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_meta_goes_before_the_end_of_head() {
        assert_eq!(
            attach("<html><head><title>x</title></head><body></body></html>"),
            format!("<html><head><title>x</title>{ATTACH_META}</head><body></body></html>")
        );
        assert_eq!(attach("<p>"), format!("{ATTACH_META}<p>"));
    }

    #[test]
    fn paths_stay_in_the_page_dir() {
        let dir = Path::new("/d");
        assert_eq!(file_for(dir, "/"), Some(PathBuf::from("/d/index.html")));
        assert_eq!(file_for(dir, "/a/b.js"), Some(PathBuf::from("/d/a/b.js")));
        assert_eq!(file_for(dir, "/../etc/passwd"), None);
        assert_eq!(file_for(dir, "/a/../../x"), None);
    }
}
