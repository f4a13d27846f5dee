//! The app's routes and view parameters, both kept in the URL's hash (`#/pe?d=128`).
//!
//! Hash routing works on any static host and under any sub-path (GitHub Pages' `/attnscope/`)
//! without server rewrites: the server only ever sees `index.html`.

use crate::dom;
use attnscope_core::trace::AttentionEdit;

/// A view of the app.
///
/// The hash path of each variant is written once in `Route::path` and read once in
/// `Route::from_path`; the round-trip test below holds the two together.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Route {
    /// `#/` – what attnscope is, and the way into each view.
    Home,
    /// `#/pe` – the positional-encoding explorer.
    PositionalEncoding,
    /// `#/attention` – the live attention page.
    Attention,
    /// `#/translate` – the live translation page.
    Translate,
    /// `#/generate` – the decoder: next-token prediction under the look-ahead mask.
    Generate,
    /// `#/embed?view=…` – one view alone, for an iframe in another page.
    Embed,
    /// `#/steps` – one head's computation, step by step, with the real numbers.
    Steps,
    /// `#/playground` – small editable Q, K, V.
    Playground,
    /// `#/lesson/N` – stop N (from 1) of the guided lesson.
    Lesson(usize),
    /// `#/debug/panic` – panics on purpose, to prove the error banner (used by the tests).
    DebugPanic,
    /// Anything else; holds the path that was asked for.
    NotFound(String),
}

impl Route {
    /// The path of the route inside the hash.
    ///
    /// Borrowed for the fixed routes; only `Lesson` formats its number and `NotFound` hands
    /// back the path it was parsed from, so a link to an unknown route restores it unchanged.
    pub fn path(&self) -> std::borrow::Cow<'_, str> {
        match self {
            Route::Home => "/".into(),
            Route::PositionalEncoding => "/pe".into(),
            Route::Attention => "/attention".into(),
            Route::Translate => "/translate".into(),
            Route::Generate => "/generate".into(),
            Route::Embed => "/embed".into(),
            Route::Steps => "/steps".into(),
            Route::Playground => "/playground".into(),
            Route::Lesson(n) => format!("/lesson/{n}").into(),
            Route::DebugPanic => "/debug/panic".into(),
            Route::NotFound(path) => path.as_str().into(),
        }
    }

    /// The route for a decoded hash path (always starting with `/`).
    ///
    /// A trailing slash is ignored (`#/pe/` is the explorer). A lesson number that is not a
    /// positive integer is a not-found route, not stop 1, so a mistyped link says so instead of
    /// silently showing another stop. `NotFound` keeps the path as it was asked for.
    fn from_path(path: &str) -> Self {
        match path.trim_end_matches('/') {
            "" => Route::Home,
            "/pe" => Route::PositionalEncoding,
            "/attention" => Route::Attention,
            "/translate" => Route::Translate,
            "/generate" => Route::Generate,
            "/embed" => Route::Embed,
            "/steps" => Route::Steps,
            "/playground" => Route::Playground,
            other if other.starts_with("/lesson/") => match other["/lesson/".len()..].parse() {
                Ok(n) if n >= 1 => Route::Lesson(n),
                _ => Route::NotFound(path.to_owned()),
            },
            "/debug/panic" => Route::DebugPanic,
            _ => Route::NotFound(path.to_owned()),
        }
    }

    /// The `href` of a link to this route.
    ///
    /// Only the path: a link never carries a query, so following it opens the view with its
    /// defaults. Presenter mode survives anyway because `AppState::present` is sticky.
    pub fn href(&self) -> String {
        format!("#{}", self.path())
    }
}

/// Query parameters in the order they appeared.
///
/// A `Vec`, not a map: the order is kept so that a URL written back reads as it was given,
/// and a key that appears twice is kept twice.
pub type Query = Vec<(String, String)>;

/// Parameters that belong to the app, not to the view: any route's URL may carry them, views
/// never see them, and a view writing its state into the URL keeps them.
pub const APP_PARAMS: [&str; 2] = ["present", "engine"];

/// `view` (a view's own parameters) followed by the app's parameters from `current` (the
/// query in the URL now): what a view writes so that `engine=cpu` or `present=1` survives the
/// first keystroke.
pub fn with_app_params(mut view: Query, current: &Query) -> Query {
    // A view's own copy of an app parameter loses to the one in the URL: the view never owns
    // them, it only carries them through.
    view.retain(|(k, _)| !APP_PARAMS.contains(&k.as_str()));
    view.extend(
        current
            .iter()
            .filter(|(k, _)| APP_PARAMS.contains(&k.as_str()))
            .cloned(),
    );
    view
}

/// A route and its query, as read from or written to the URL's hash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    /// The view.
    pub route: Route,
    /// Its parameters.
    pub query: Query,
}

impl Location {
    /// Parses a hash such as `#/pe?d=128&n=64` (the leading `#` is optional).
    pub fn parse(hash: &str) -> Self {
        // Never fails: every string is some location. A malformed escape stays literal text and an
        // unknown path becomes `Route::NotFound`, so a hand-edited URL can still be shown.
        let hash = hash.strip_prefix('#').unwrap_or(hash);
        let (path, query) = hash.split_once('?').unwrap_or((hash, ""));
        // `#pe` and `#/pe` name the same view; the path is normalised to start with `/` so that
        // `from_path` compares against one spelling.
        let path = if path.starts_with('/') {
            percent_decode(path)
        } else {
            format!("/{}", percent_decode(path))
        };
        let query = query
            .split('&')
            // `a&&b` has an empty pair between the ampersands: skipped. A key without `=` is kept
            // with an empty value (`x` in `?x&d=1`), so a flag parameter still reads as present.
            .filter(|pair| !pair.is_empty())
            .map(|pair| {
                let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
                (percent_decode(key), percent_decode(value))
            })
            .collect();
        Self {
            route: Route::from_path(&path),
            query,
        }
    }

    /// The hash that restores this location.
    pub fn to_hash(&self) -> String {
        // The path is encoded too (a not-found path may hold any text), keeping its slashes.
        let path: Vec<String> = self.route.path().split('/').map(percent_encode).collect();
        let mut hash = format!("#{}", path.join("/"));
        for (i, (key, value)) in self.query.iter().enumerate() {
            hash.push(if i == 0 { '?' } else { '&' });
            hash.push_str(&percent_encode(key));
            hash.push('=');
            hash.push_str(&percent_encode(value));
        }
        hash
    }

    /// The location in the page's URL now.
    pub fn current() -> Self {
        Self::parse(&dom::window().location().hash().unwrap_or_default())
    }

    /// Writes this location into the URL without a new history entry and without a
    /// `hashchange` event (the view already shows it).
    pub fn replace_current(&self) {
        // Writing the same hash again would still cost a `replaceState` call (milliseconds with a
        // long text in Chromium), so an unchanged location writes nothing.
        if Self::current() == *self {
            return;
        }
        // `replaceState` rather than setting `location.hash`: no history entry per keystroke and
        // no `hashchange`, which would re-key the view and lose its focus. Without a history
        // object the URL simply does not follow the view.
        if let Ok(history) = dom::window().history() {
            let _ = history.replace_state_with_url(
                &wasm_bindgen::JsValue::NULL,
                "",
                Some(&self.to_hash()),
            );
        }
    }
}

/// Decodes `%XX` escapes and `+` (as space); malformed escapes are kept literally.
pub fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            // An escape needs two more bytes after the `%`; a `%` at the very end (or one byte
            // short) falls through to the last arm and is kept as it is.
            b'%' if i + 2 < bytes.len() => {
                match std::str::from_utf8(&bytes[i + 1..i + 3])
                    .ok()
                    .and_then(|h| u8::from_str_radix(h, 16).ok())
                {
                    Some(byte) => {
                        out.push(byte);
                        i += 3;
                        continue;
                    }
                    // Not two hex digits: the `%` is kept literally (`%zz` stays).
                    None => out.push(b'%'),
                }
            }
            b'+' => out.push(b' '),
            byte => out.push(byte),
        }
        i += 1;
    }
    // Escapes decode to bytes, so a URL can spell bytes that are not UTF-8 (`%FF`); those become
    // U+FFFD rather than an error, as everywhere else in parsing a URL.
    String::from_utf8_lossy(&out).into_owned()
}

/// Escapes everything but unreserved characters and `,` (kept readable in lists).
pub fn percent_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        // Byte by byte, so a multi-byte character becomes one escape per UTF-8 byte, which is what
        // `percent_decode` expects. A space becomes `%20`, never `+`.
        if byte.is_ascii_alphanumeric() || b"-_.~,".contains(&byte) {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

// URL lists, shared by every view and the embed options.

/// Largest layer or head index a URL may name.
///
/// Far above any shipped model's layers and heads; it only keeps a URL from naming absurd
/// indices.
pub const MAX_INDEX: usize = 64;
/// Largest token position a URL may mask.
///
/// Above every model's longest input (core's config limits `max_len` to 2048); a masked
/// position past the text's end is harmless (core only asks `Interventions::is_masked` for
/// tokens that exist).
pub const MAX_POSITION: usize = 4096;

/// A comma-separated list, each item parsed by `item`; `None` if any item is malformed.
///
/// Empty items are skipped, so `""` is an empty list and `1,,2` is `[1, 2]`; items are
/// trimmed before `item` sees them. One bad item rejects the whole list, so a caller never
/// acts on a part of what the URL asked for.
pub fn parse_list<T>(value: &str, item: impl Fn(&str) -> Option<T>) -> Option<Vec<T>> {
    value
        .split(',')
        .filter(|s| !s.is_empty())
        .map(|s| item(s.trim()))
        .collect()
}

/// A `layer.head` pair such as `1.2` (0-based), each below the largest index a URL may name.
///
/// `None` for anything else (no dot, a negative or non-numeric part, an index at or above
/// `MAX_INDEX`).
pub fn parse_pair(text: &str) -> Option<(usize, usize)> {
    let (a, b) = text.split_once('.')?;
    let (a, b) = (a.parse().ok()?, b.parse().ok()?);
    (a < MAX_INDEX && b < MAX_INDEX).then_some((a, b))
}

/// An attention edit `layer.head:query.key:weight` such as `0.1:4.1:1` (0-based indices, a
/// weight from 0 to 1); `None` for anything else.
pub fn parse_edit(text: &str) -> Option<AttentionEdit> {
    let mut parts = text.split(':');
    let (layer, head) = parse_pair(parts.next()?)?;
    let (query, key) = parts.next()?.split_once('.')?;
    let (query, key): (usize, usize) = (query.parse().ok()?, key.parse().ok()?);
    let weight: f32 = parts.next()?.trim().parse().ok()?;
    let fits = query < MAX_POSITION && key < MAX_POSITION && (0.0..=1.0).contains(&weight);
    (parts.next().is_none() && fits).then_some(AttentionEdit {
        layer,
        head,
        query,
        key,
        weight,
    })
}

/// An attention edit as [`parse_edit`] reads it.
pub fn edit_text(e: &AttentionEdit) -> String {
    format!("{}.{}:{}.{}:{}", e.layer, e.head, e.query, e.key, e.weight)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attention_edits_round_trip_and_garbage_is_refused() {
        let edit = parse_edit("0.1:4.1:0.25").unwrap();
        assert_eq!(
            (edit.layer, edit.head, edit.query, edit.key, edit.weight),
            (0, 1, 4, 1, 0.25)
        );
        assert_eq!(parse_edit(&edit_text(&edit)), Some(edit));
        for bad in [
            "",
            "0.1",
            "0.1:4.1",
            "0.1:4.1:2",
            "0.1:4.1:-1",
            "0.1:4:1",
            "0.1:4.1:1:9",
            "x.1:4.1:1",
            "0.1:4.1:NaN",
        ] {
            assert_eq!(parse_edit(bad), None, "{bad}");
        }
    }

    #[test]
    fn a_views_query_keeps_the_apps_parameters_and_drops_its_own_copies() {
        let pairs = |list: &[(&str, &str)]| -> Query {
            list.iter()
                .map(|&(k, v)| (k.to_owned(), v.to_owned()))
                .collect()
        };
        let current = Location::parse("#/attention?engine=cpu&model=a&text=old&present=1").query;
        let view = pairs(&[("model", "a"), ("text", "new"), ("engine", "gpu")]);
        assert_eq!(
            with_app_params(view, &current),
            pairs(&[
                ("model", "a"),
                ("text", "new"),
                ("engine", "cpu"),
                ("present", "1")
            ])
        );
        assert_eq!(
            with_app_params(pairs(&[("text", "x")]), &pairs(&[("text", "y")])),
            pairs(&[("text", "x")])
        );
    }

    #[test]
    fn routes_round_trip() {
        for hash in [
            "#/",
            "#/pe",
            "#/attention?model=topic-bilstm&text=a%20b",
            "#/pe?d=128&n=64&dims=0,1",
            "#/nowhere",
        ] {
            assert_eq!(Location::parse(hash).to_hash(), hash);
        }
        assert_eq!(Location::parse("").route, Route::Home);
        assert_eq!(Location::parse("#pe").route, Route::PositionalEncoding);
        assert_eq!(Location::parse("#/pe/").route, Route::PositionalEncoding);
        assert_eq!(
            Location::parse("#/x%20y").route,
            Route::NotFound("/x y".into())
        );
    }

    #[test]
    fn queries_decode_and_survive_garbage() {
        let location = Location::parse("#/pe?d=1%32&&x&base=%zz&=v&n=a+b");
        assert_eq!(
            location.query,
            vec![
                ("d".into(), "12".into()),
                ("x".into(), "".into()),
                ("base".into(), "%zz".into()),
                ("".into(), "v".into()),
                ("n".into(), "a b".into()),
            ]
        );
        assert_eq!(percent_decode("%"), "%");
        assert_eq!(percent_decode("%4"), "%4");
        assert_eq!(percent_decode("%E2%82%AC"), "€");
        assert_eq!(percent_decode("%FF"), "\u{fffd}");
        assert_eq!(percent_encode("a b&c=€"), "a%20b%26c%3D%E2%82%AC");
    }
}
