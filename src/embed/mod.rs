//! Embedding attnscope in other pages: the `<attn-scope>` element's wasm side (registered by
//! `www/embed.js`), the `#/embed` route for hosts that forbid scripts, and the snippets the
//! app's Embed button and dialog offer ([`dialog`]). One component, [`view::EmbedView`], draws all of them.

pub mod detail;
pub mod dialog;
pub mod host;
pub mod mount;
pub mod options;
pub mod page;
pub mod snippet;
pub mod view;
