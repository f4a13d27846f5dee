//! The copy-paste snippets of the app's Embed dialog, and the link from an embed back to the
//! app: each restores exactly the view described by an [`EmbedOptions`].

use super::options::EmbedOptions;
use crate::route::{Location, Query, Route};

/// `text` made safe inside a double-quoted HTML attribute or element content.
///
/// Single quotes are left alone: every attribute the snippets write is double-quoted.
pub fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            c => out.push(c),
        }
    }
    out
}

/// The two lines an author pastes: the module script and the element.
pub fn element_snippet(base: &str, options: &EmbedOptions) -> String {
    let attributes: String = options
        .pairs()
        .into_iter()
        // `editable` is a boolean attribute: present without a value, as an author would write it.
        .map(|(name, value)| match name {
            "editable" => " editable".to_owned(),
            _ => format!(" {name}=\"{}\"", escape_html(&value)),
        })
        .collect();
    format!(
        "<script type=\"module\" src=\"{}embed.js\"></script>\n<attn-scope{attributes}></attn-scope>",
        escape_html(base)
    )
}

/// The `#/embed` address of `options`, relative to the app's folder.
pub fn embed_route(options: &EmbedOptions) -> String {
    let query: Query = options
        .pairs()
        .into_iter()
        .map(|(name, value)| {
            (
                name.to_owned(),
                if name == "editable" {
                    // In a URL a flag needs a value: `from_query` reads anything but `0` as on.
                    "1".to_owned()
                } else {
                    value
                },
            )
        })
        .collect();
    let location = Location {
        route: Route::Embed,
        query,
    };
    format!("index.html{}", location.to_hash())
}

/// The iframe snippet: the frame, and one optional line of script that sizes it to the view
/// (the frame posts `{context: "iframe.resize", height}`; without the script it keeps its
/// height attribute, for hosts that forbid scripts).
pub fn iframe_snippet(base: &str, options: &EmbedOptions) -> String {
    let src = format!("{base}{}", embed_route(options));
    // Only for the frame's `title` (what a screen reader announces for it).
    let model = options.model.as_deref().unwrap_or("attention");
    format!(
        "<iframe src=\"{}\" title=\"attnscope: {}\" width=\"100%\" height=\"520\" loading=\"lazy\" frameborder=\"0\"></iframe>\n\
         <script>addEventListener(\"message\",e=>{{if(e.data&&e.data.context===\"iframe.resize\")for(const f of document.querySelectorAll(\"iframe\"))if(f.contentWindow===e.source)f.height=e.data.height}})</script>",
        escape_html(&src),
        escape_html(model)
    )
}

/// The app page that shows the same model and text as an embed (its "Open in attnscope" link).
pub fn app_link(base: &str, options: &EmbedOptions) -> String {
    let model = options.model.clone().unwrap_or_default();
    let mut query: Query = Vec::new();
    let route = match (options.view.as_deref(), model.as_str()) {
        // The explorer has no text or model: the link opens it with its defaults.
        (Some("pe"), _) => Route::PositionalEncoding,
        (_, "translate-en-es") => Route::Translate,
        _ => {
            if !model.is_empty() {
                query.push(("model".into(), model.clone()));
            }
            Route::Attention
        }
    };
    if route != Route::PositionalEncoding {
        if let Some(text) = &options.text {
            // The same 2000-character cut as the app's own URLs.
            query.push(("text".into(), text.chars().take(2000).collect()));
        }
    }
    if route == Route::Attention {
        for (key, value) in [("mask", &options.mask), ("off", &options.off)] {
            if let Some(value) = value {
                query.push((key.into(), value.clone()));
            }
        }
    }
    format!("{base}index.html{}", Location { route, query }.to_hash())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn options() -> EmbedOptions {
        EmbedOptions {
            model: Some("sentiment-transformer".into()),
            view: Some("heatmap".into()),
            text: Some("a \"quoted\" <b>bold</b> & more".into()),
            layer: Some("1".into()),
            editable: true,
            ..EmbedOptions::default()
        }
    }

    #[test]
    fn the_element_snippet_escapes_the_text_and_names_every_option() {
        let snippet = element_snippet("https://x.org/attnscope/", &options());
        assert_eq!(
            snippet,
            "<script type=\"module\" src=\"https://x.org/attnscope/embed.js\"></script>\n\
             <attn-scope model=\"sentiment-transformer\" view=\"heatmap\" \
             text=\"a &quot;quoted&quot; &lt;b&gt;bold&lt;/b&gt; &amp; more\" layer=\"1\" editable></attn-scope>"
        );
    }

    #[test]
    fn the_iframe_route_round_trips_the_options() {
        let route = embed_route(&options());
        let hash = route.strip_prefix("index.html").unwrap();
        let location = Location::parse(hash);
        assert_eq!(location.route, Route::Embed);
        let (back, problems) = EmbedOptions::from_query(&location.query);
        assert!(problems.is_empty());
        assert_eq!(back, options());
        let snippet = iframe_snippet("https://x.org/a/", &options());
        assert!(snippet.starts_with("<iframe src=\"https://x.org/a/index.html#/embed?model="));
        assert!(snippet.contains("iframe.resize"));
    }

    #[test]
    fn the_app_link_opens_the_matching_page() {
        let link = app_link("", &options());
        assert!(
            link.starts_with("index.html#/attention?model=sentiment-transformer&text="),
            "{link}"
        );
        let pe = EmbedOptions {
            view: Some("pe".into()),
            ..EmbedOptions::default()
        };
        assert_eq!(app_link("", &pe), "index.html#/pe");
    }
}
