//! attnscope, the web app: a yew front end over `attnscope-core` (CPU reference) and
//! `attnscope-gpu` (WebGPU engine). Data flows one way: input → engine → result → views.
#![warn(missing_docs)]

pub mod app;
pub mod backend;
pub mod components;
pub mod dom;
pub mod engine;
pub mod panic_banner;
pub mod plot;
pub mod route;
pub mod theme;
pub mod views;

/// Starts the app in the page's `#app` element (or `<body>` if it is missing).
pub fn run() {
    panic_banner::install();
    match dom::document().get_element_by_id("app") {
        Some(root) => {
            // Replace the static "loading" message.
            root.set_inner_html("");
            yew::Renderer::<app::App>::with_root(root).render();
        }
        None => {
            yew::Renderer::<app::App>::new().render();
        }
    }
}
