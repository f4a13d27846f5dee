//! Keeping a live view's state in the URL while the user types.

use crate::route::{Location, Query, Route};
use yew::prelude::*;

/// How long the view must rest before its state is written into the URL.
/// `history.replaceState` with a long text costs 3–5 ms a call in Chromium (measured in the
/// keystroke benchmark's profile), so the URL is written once typing pauses, never between
/// two keys.
pub const URL_DELAY_MS: i32 = 300;

/// Writes `query` into the URL under `route`, without a history entry, once it has not
/// changed for [`URL_DELAY_MS`]; the last query always lands. The app's own parameters in the
/// URL (`engine=`, `present=`: [`crate::route::APP_PARAMS`]) are kept. `None` writes nothing
/// (a view shown inside another route, such as a lesson stop, leaves that route's URL alone).
#[hook]
pub fn use_url_sync(route: Option<Route>, query: Query) {
    // The newest query and its number: a timer writes only if no newer query came since.
    let latest = use_mut_ref(|| (0u64, None::<Query>));
    use_effect_with(query, move |query| {
        let generation = {
            let mut slot = latest.borrow_mut();
            slot.0 += 1;
            slot.1 = Some(query.clone());
            slot.0
        };
        crate::dom::after_ms(URL_DELAY_MS, move || {
            let mut slot = latest.borrow_mut();
            if slot.0 != generation {
                return;
            }
            // The reader may have navigated meanwhile (a link, a typed address): a late write
            // of the old view's state must not take them back to it.
            if let (Some(route), Some(query)) = (route.clone(), slot.1.take()) {
                let current = Location::current();
                if current.route == route {
                    let query = crate::route::with_app_params(query, &current.query);
                    Location { route, query }.replace_current();
                }
            }
        });
    });
}
