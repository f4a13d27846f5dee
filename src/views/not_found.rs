//! The friendly view for unknown routes.

use crate::route::Route;
use yew::prelude::*;

/// Props of [`NotFoundView`].
#[derive(Properties, PartialEq)]
pub struct NotFoundProps {
    /// The path that was asked for.
    ///
    /// Decoded, as `Route::NotFound` holds it; yew escapes it, so any text is safe to show.
    pub path: AttrValue,
}

/// "There is no such view", with links to the ones that exist.
#[component]
pub fn NotFoundView(props: &NotFoundProps) -> Html {
    html! {
        <section class="view" aria-labelledby="nf-title" data-testid="not-found">
            <h1 id="nf-title">{ "No such view" }</h1>
            <p>{ "There is no view at " }<code>{ format!("#{}", props.path) }</code>{ "." }</p>
            <p>
                { "Try the " }<a href={Route::Home.href()}>{ "home page" }</a>
                { " or the " }<a href={Route::PositionalEncoding.href()}>{ "positional-encoding explorer" }</a>{ "." }
            </p>
        </section>
    }
}
