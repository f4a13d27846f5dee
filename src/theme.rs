//! Light and dark themes: follow `prefers-color-scheme` until the user picks one, which persists.

use crate::dom;

const STORAGE_KEY: &str = "attnscope-theme";

/// The colour theme of the page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Theme {
    /// Dark text on light backgrounds.
    Light,
    /// Light text on dark backgrounds.
    Dark,
}

impl Theme {
    /// The user's saved choice, else the system's preference.
    pub fn initial() -> Self {
        match dom::stored(STORAGE_KEY).as_deref() {
            Some("dark") => Theme::Dark,
            Some("light") => Theme::Light,
            _ if dom::prefers_dark() => Theme::Dark,
            _ => Theme::Light,
        }
    }

    /// The other theme.
    pub fn toggled(self) -> Self {
        match self {
            Theme::Light => Theme::Dark,
            Theme::Dark => Theme::Light,
        }
    }

    /// The name used in `data-theme` and in storage.
    pub fn name(self) -> &'static str {
        match self {
            Theme::Light => "light",
            Theme::Dark => "dark",
        }
    }

    /// Whether this is the dark theme.
    pub fn is_dark(self) -> bool {
        self == Theme::Dark
    }

    /// Shows the theme on the page (`<html data-theme>`).
    pub fn apply(self) {
        if let Some(root) = dom::document().document_element() {
            let _ = root.set_attribute("data-theme", self.name());
        }
    }

    /// Remembers the user's explicit choice.
    pub fn persist(self) {
        dom::store(STORAGE_KEY, self.name());
    }
}
