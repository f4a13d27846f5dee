//! The app's views, one per route.

pub mod attention;
pub mod home;
pub mod lesson;
pub mod not_found;
pub mod pe;
pub mod playground;
pub mod steps;
pub mod translate;
pub mod url_sync;
