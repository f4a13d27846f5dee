//!
//! A view with settings reads them from the URL query once (the app re-keys it on every
//! `hashchange`) and keeps the URL in step as they change, except inside a lesson stop.
//! No view calls into an engine's internals: they only draw results.
//! The app's views, one per route.

pub mod attention;
pub mod generate;
pub mod home;
pub mod lesson;
pub mod not_found;
pub mod pe;
pub mod playground;
pub mod steps;
pub mod translate;
