//! The lesson (`#/lesson/1` … `#/lesson/N`): a guided path for a 20-minute class. Each stop
//! opens the right view with a prepared sentence and setting, says in at most three sentences
//! what to look at, and suggests one thing to try. ← / → and Page Up / Down (a presenter's
//! clicker) or the links move between stops; on the step-through's stop the arrows first walk
//! its steps.

use crate::embed::mount::EmbedRoot;
use crate::embed::options::EmbedOptions;
use crate::engine::backend::Backend;
use crate::hooks::keys::KeyPhase;
use crate::route::{Location, Query, Route};
use crate::views::generate::GenerateView;
use crate::views::playground::PlaygroundView;
use crate::views::steps::StepsView;
use yew::prelude::*;

/// What a stop opens.
///
/// The pairs are static so that [`STOPS`] can be a `const`; each variant turns them into its
/// own input (embed options or a URL query) only when the stop is shown.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum StopView {
    /// An embedded view with these (name, value) options.
    /// The names are the `<attn-scope>` attributes ([`EmbedOptions::from_query`]); the stop shows
    /// the same view an author would embed, so a lesson stop and a host page cannot differ.
    Embed(&'static [(&'static str, &'static str)]),
    /// The playground with this URL query.
    /// Read as the playground's own URL parameters, but never written back to the URL.
    Playground(&'static [(&'static str, &'static str)]),
    /// The step-through with this URL query.
    /// Read as the step-through's own URL parameters, but never written back to the URL.
    Steps(&'static [(&'static str, &'static str)]),
    /// The decoder's page with this URL query, never written back to the URL.
    Generate(&'static [(&'static str, &'static str)]),
}

/// One stop of the lesson.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Stop {
    /// Its heading.
    pub title: &'static str,
    /// What to look at (at most three sentences).
    pub look: &'static str,
    /// One thing to try.
    pub try_this: &'static str,
    /// The view it opens.
    pub view: StopView,
}

/// The lesson, in order.
///
/// Stop `n` of `#/lesson/n` is `STOPS[n - 1]`, so adding or moving a stop renumbers the link
/// of every stop after it.
pub const STOPS: &[Stop] = &[
    Stop {
        title: "Where is each word? Positional encoding",
        look: "A Transformer sees all words at once, so each position gets its own pattern of sines and cosines. Left columns change fast from row to row, right columns slowly.",
        try_this: "Hover two rows far apart and compare their values in the first and the last columns.",
        view: StopView::Embed(&[("view", "pe")]),
    },
    Stop {
        title: "Dot products: how well a query matches a key",
        look: "Each score is a query row times a key row. Here Q is the identity and K the identity reversed, so query 1 matches only key 4.",
        try_this: "Change one cell of K and watch one score move.",
        view: StopView::Playground(&[("score", "dot"), ("mask", "none"), ("heads", "1")]),
    },
    Stop {
        title: "Scaling by √d",
        look: "The same scores divided by √d (here √4 = 2). Smaller scores make a softer softmax: the weights spread out.",
        try_this: "Set the temperature to 0.1, then to 10, and watch the weights sharpen and flatten.",
        view: StopView::Playground(&[("score", "scaled"), ("mask", "none"), ("heads", "1")]),
    },
    Stop {
        title: "Softmax, with the real numbers of a real model",
        look: "For the word “bad”, the model's query meets every key; the exponentials and their sum turn the scores into weights that add up to 1.",
        try_this: "Step with ← and → through the computation and find the largest weight.",
        view: StopView::Steps(&[("model", "sentiment-transformer"), ("text", "not bad at all"), ("layer", "0"), ("head", "0"), ("query", "2"), ("step", "5")]),
    },
    Stop {
        title: "Masking: padding and looking ahead",
        look: "A padding mask hides keys that are only filler; a look-ahead mask lets each position see only itself and the past, as a decoder must. Masked scores are −∞ and their weights exactly 0.",
        try_this: "Switch between Padding and Look-ahead and compare the weights tables.",
        view: StopView::Playground(&[("score", "scaled"), ("mask", "lookahead"), ("heads", "1"), ("preset", "random")]),
    },
    Stop {
        title: "Several heads",
        look: "With two heads, Q, K and V are cut into column halves; each head attends on its own and their outputs are joined side by side.",
        try_this: "Switch to 4 heads: each head now sees one column of Q and K.",
        view: StopView::Playground(&[("score", "scaled"), ("mask", "none"), ("heads", "2"), ("preset", "random")]),
    },
    Stop {
        title: "Every head of a model, and switching one off",
        look: "Each small map is one head of the sentiment Transformer on this sentence. Heads in the same layer look at different things.",
        try_this: "Switch a head off (the button under it) and watch the prediction change.",
        view: StopView::Embed(&[("model", "sentiment-transformer"), ("view", "model"), ("text", "the acting is wonderful but the plot is a mess"), ("editable", "")]),
    },
    Stop {
        title: "A BiLSTM pools its words with attention",
        look: "The BiLSTM reads the sentence both ways; a learned query vector scores every word, and the shading is the softmax of those scores.",
        try_this: "Type “not” in front of a word and watch the weights and the prediction.",
        view: StopView::Embed(&[("model", "sentiment-bilstm"), ("view", "pooling"), ("text", "a dull, lifeless film that never finds its heart"), ("editable", "")]),
    },
    Stop {
        title: "Translation: what each Spanish word looked at",
        look: "Each row is one Spanish word being written; its bright cells are the English words it attended to. “rojo” looks back at “red” although the order flips.",
        try_this: "Type “the big house” and find the crossing.",
        view: StopView::Embed(&[("model", "translate-en-es"), ("view", "alignment"), ("text", "the red car is fast"), ("editable", "")]),
    },
    Stop {
        title: "Why a decoder may not look ahead",
        look: "A decoder like GPT learns to predict each next word from the words before it. If “film” could attend to “is”, it would read the answer it must guess; the look-ahead mask sets those scores to −∞, so the later keys get weight exactly 0.",
        try_this: "Step with → to the weights, then pick the last token as the query: it is the only one that sees the whole sentence.",
        view: StopView::Steps(&[("model", "story-decoder"), ("text", "the film is a"), ("layer", "0"), ("head", "0"), ("query", "2"), ("step", "4")]),
    },
    Stop {
        title: "Temperature and top-k choose the next word",
        look: "The bars are the decoder's probabilities for the word after the prompt. Temperature divides the scores before the softmax: below 1 the favourite takes more, above 1 the bars even out; top-k keeps only the k most likely.",
        try_this: "Set top-k to 1 and press Next token (always the favourite), then raise the temperature to 2 and generate again.",
        view: StopView::Generate(&[("text", "the film is a"), ("t", "1"), ("k", "20")]),
    },
];

/// Props of [`LessonView`].
#[derive(Properties, PartialEq)]
pub struct LessonProps {
    /// The stop, from 1.
    pub stop: usize,
    /// The page's backend (for the step-through).
    pub backend: Backend,
    /// Whether the app is in presenter mode (kept in the links).
    pub present: bool,
}

/// A stop's static pairs as an owned [`Query`], the shape views and embed options read.
fn query(pairs: &[(&str, &str)]) -> Query {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// The hash of stop `n` (from 1).
///
/// Presenter mode is carried as `present=1` so that a link or key used on a projector
/// keeps the large type; nothing else of the current URL is kept.
pub fn stop_href(n: usize, present: bool) -> String {
    let query = if present {
        vec![("present".to_owned(), "1".to_owned())]
    } else {
        vec![]
    };
    Location {
        route: Route::Lesson(n),
        query,
    }
    .to_hash()
}

/// One stop of the lesson.
#[component]
pub fn LessonView(props: &LessonProps) -> Html {
    let count = STOPS.len();
    // The route already refuses 0; a number past the end shows the last stop rather than
    // a blank page, so an old link to a longer lesson still lands somewhere useful.
    let n = props.stop.clamp(1, count);
    let stop = &STOPS[n - 1];
    // `Last`: the step-through listens first (`KeyPhase::First`) and takes ← / → while it has
    // steps left, so the lesson moves only on the keys nobody used. The listener is made
    // again when the stop or presenter mode changes, so the closure never holds a stale `n`.
    crate::hooks::keys::use_window_keys(
        (n, props.present),
        KeyPhase::Last,
        move |&(n, present), event| {
            let next = match event.key().as_str() {
                "ArrowRight" | "PageDown" if n < count => n + 1,
                "ArrowLeft" | "PageUp" if n > 1 => n - 1,
                _ => return false,
            };
            // Setting the hash (not `replaceState`) is a real navigation: it adds a history entry,
            // so Back returns to the previous stop, and the app's `hashchange` re-keys the view.
            let _ = crate::dom::window()
                .location()
                .set_hash(&stop_href(next, present));
            true
        },
    );
    let view = match stop.view {
        StopView::Embed(pairs) => {
            // The stops' pairs are written here, so `from_query` has no unknown keys to report.
            let (mut options, _) = EmbedOptions::from_query(&query(pairs));
            // An embed takes its theme from its options, not from the app; the page's `data-theme`
            // (set by `Theme::apply`) is read when the stop renders, so the stop matches the
            // header.
            options.theme = Some(
                if crate::dom::document()
                    .document_element()
                    .and_then(|e| e.get_attribute("data-theme"))
                    .as_deref()
                    == Some("dark")
                {
                    "dark".into()
                } else {
                    "light".into()
                },
            );
            // `key={n}`: each stop is a new embed with its own load. An empty `base` makes the
            // "Open in attnscope" link relative to this page, which is the app itself.
            html! { <EmbedRoot key={n} {options} on_event={Callback::noop()} base="" /> }
        }
        StopView::Playground(pairs) => {
            // `sync_url={false}`: the URL belongs to the lesson (`#/lesson/n`); a playground
            // writing its own parameters would turn the address into the playground's.
            html! { <PlaygroundView key={n} query={query(pairs)} sync_url={false} /> }
        }
        StopView::Generate(pairs) => {
            html! { <GenerateView key={n} query={query(pairs)} backend={props.backend.clone()} on_device_lost={Callback::from(crate::engine::page::device_lost)} sync_url={false} /> }
        }
        StopView::Steps(pairs) => {
            html! { <StepsView key={n} query={query(pairs)} backend={props.backend.clone()} on_device_lost={Callback::from(crate::engine::page::device_lost)} sync_url={false} /> }
        }
    };
    html! {
        <section id="lesson-view" class="view lesson" aria-labelledby="lesson-title" data-stop={n.to_string()}>
            <p class="lesson-progress">{ format!("Lesson · stop {n} of {count}") }</p>
            <h1 id="lesson-title">{ stop.title }</h1>
            <p class="lesson-look">{ stop.look }</p>
            <p class="lesson-try"><strong>{ "Try this: " }</strong>{ stop.try_this }</p>
            <nav class="lesson-nav" aria-label="Lesson stops">
                if n > 1 { <a id="lesson-prev" href={stop_href(n - 1, props.present)}>{ "← Previous stop" }</a> }
                if n < count { <a id="lesson-next" href={stop_href(n + 1, props.present)}>{ "Next stop →" }</a> }
            </nav>
            <div class="lesson-stage">{ view }</div>
        </section>
    }
}
