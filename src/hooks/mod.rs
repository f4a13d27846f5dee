//! The app's hooks that are not one view's own: whether an element is on screen (and values
//! frozen while it is not), an element's width, `data-css` styles, window keys, the URL kept in step
//! with a view's state, reducer callbacks.

pub mod data_css;
pub mod dispatch;
pub mod keys;
pub mod observer;
pub mod screen;
pub mod url_sync;
pub mod width;
