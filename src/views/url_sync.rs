//! Keeping a live view's state in the URL while the user types.

use crate::route::{Location, Query, Route};
use yew::prelude::*;

/// How long the URL may lag behind the view (`history.replaceState` costs milliseconds a
/// call in Chromium, too much for every keystroke).
pub const URL_DELAY_MS: i32 = 250;

/// Writes `query` into the URL under `route`, without a history entry, at most once every
/// [`URL_DELAY_MS`]; the last query always lands. The app's own parameters in the URL
/// (`engine=`, `present=`: [`crate::route::APP_PARAMS`]) are kept. `None` writes nothing (a view shown inside
/// another route, such as a lesson stop, leaves that route's URL alone).
#[hook]
pub fn use_url_sync(route: Option<Route>, query: Query) {
    let pending = use_mut_ref(|| (None::<Query>, false));
    use_effect_with(query, move |query| {
        let mut slot = pending.borrow_mut();
        slot.0 = Some(query.clone());
        if slot.1 {
            return;
        }
        slot.1 = true;
        let pending = pending.clone();
        crate::dom::after_ms(URL_DELAY_MS, move || {
            let mut slot = pending.borrow_mut();
            slot.1 = false;
            // The reader may have navigated meanwhile (a link, a typed address): a late write
            // of the old view's state must not take them back to it.
            if let (Some(route), Some(query)) = (route.clone(), slot.0.take()) {
                let current = Location::current();
                if current.route == route {
                    let query = crate::route::with_app_params(query, &current.query);
                    Location { route, query }.replace_current();
                }
            }
        });
    });
}
