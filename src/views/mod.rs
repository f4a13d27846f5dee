//! The app's views, one per route.

pub mod attention;
pub mod home;
pub mod not_found;
pub mod pe;
pub mod perf;
pub mod translate;
pub mod url_sync;
