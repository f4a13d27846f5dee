//! Fuzzes every route's URL parameter parser: any hash is parsed into a location, its query is
//! read by each view's parser (attention, translation, PE, steps, playground, the embed's
//! options and their check, the engine choice), which must never panic; a parsed location written back and parsed again is equal,
//! and the live page's settings survive their own round trip.
#![no_main]

use attnscope::embed::options::{EmbedOptions, EmbedSpec};
use attnscope::engine::choice::EngineChoice;
use attnscope::route::Location;
use attnscope::views::attention::settings::LiveSettings;
use attnscope::views::pe::settings::PeSettings;
use attnscope::views::playground::Playground;
use attnscope::views::steps::StepSettings;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let hash = String::from_utf8_lossy(data);
    let location = Location::parse(&hash);
    let again = Location::parse(&location.to_hash());
    assert_eq!(
        again, location,
        "to_hash then parse must give the same location"
    );
    let query = &location.query;
    let (live, _) = LiveSettings::from_query(query);
    let (back, notices) = LiveSettings::from_query(
        &Location::parse(
            &Location {
                route: location.route.clone(),
                query: live.to_query(),
            }
            .to_hash(),
        )
        .query,
    );
    assert!(
        notices.is_empty(),
        "a page's own URL parses without notices: {notices:?}"
    );
    assert_eq!(back.model, live.model);
    let _ = attnscope::views::translate::text_from_query(query);
    for (key, value) in query {
        if key == "engine" {
            if let Some(choice) = EngineChoice::parse(value) {
                assert_eq!(EngineChoice::parse(choice.name()), Some(choice));
            }
        }
    }
    let _ = PeSettings::from_query(query);
    let _ = StepSettings::from_query(query);
    let _ = Playground::from_query(query);
    let (options, _) = EmbedOptions::from_query(query);
    let _ = EmbedSpec::resolve(&options);
});
