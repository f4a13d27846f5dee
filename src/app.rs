//! The app root: one reducible state (route, theme, backend, layout), the header and the
//! route switch.

use crate::components::UiContext;
use crate::embed::page::EmbedPage;
use crate::engine::backend::Backend;
use crate::hooks::keys::{use_window_keys, KeyPhase};
use crate::route::{Location, Route};
use crate::theme::Theme;
use crate::views::{
    attention::AttentionView, generate::GenerateView, home::HomeView, not_found::NotFoundView,
    pe::PeView, translate::TranslateView,
};
use crate::views::{lesson::LessonView, playground::PlaygroundView, steps::StepsView};
use gloo_events::EventListener;
use std::rc::Rc;
use yew::prelude::*;

/// Everything the app shell knows.
#[derive(Debug, Clone, PartialEq)]
pub struct AppState {
    /// The route and query in the URL.
    pub location: Location,
    /// The colour theme.
    pub theme: Theme,
    /// The compute backend.
    pub backend: Backend,
    /// Bumped on every window resize.
    ///
    /// Plots compare it between renders to know that their CSS size may have changed; it
    /// wraps around, only a change matters.
    pub layout_generation: u32,
    /// Presenter mode: large type, thick lines, no navigation (`?present=1` on any route).
    pub present: bool,
}

/// Whether a location asks for presenter mode.
fn asks_to_present(location: &Location) -> bool {
    location
        .query
        .iter()
        .any(|(k, v)| k == "present" && v != "0")
}

/// What can happen to the app shell.
pub enum AppAction {
    /// The URL's hash changed (link, back/forward, typed address).
    Navigated(Location),
    /// The user switched theme.
    ToggleTheme,
    /// Backend detection finished.
    BackendFound(Backend),
    /// The window was resized.
    Resized,
    /// Presenter mode on or off.
    Present(bool),
}

impl Reducible for AppState {
    type Action = AppAction;

    fn reduce(self: Rc<Self>, action: AppAction) -> Rc<Self> {
        let mut state = (*self).clone();
        match action {
            AppAction::Navigated(location) => {
                // Sticky: a link without `present=1` (the nav, a lesson stop) keeps presenter mode
                // on; only the toggle or Esc leaves it.
                state.present |= asks_to_present(&location);
                state.location = location;
            }
            AppAction::Present(on) => state.present = on,
            AppAction::ToggleTheme => {
                state.theme = state.theme.toggled();
                state.theme.persist();
            }
            AppAction::BackendFound(backend) => state.backend = backend,
            AppAction::Resized => state.layout_generation = state.layout_generation.wrapping_add(1),
        }
        Rc::new(state)
    }
}

/// The whole page under `#app`.
#[component]
pub fn App() -> Html {
    let state = use_reducer(|| {
        let location = Location::current();
        AppState {
            present: asks_to_present(&location),
            location,
            theme: Theme::initial(),
            backend: Backend::Detecting,
            layout_generation: 0,
        }
    });
    use_presenter_keys(state.present, state.dispatcher());
    // Presenter mode is a class on `<html>`, so the stylesheet and every embed's `present`
    // check see it without props.
    use_effect_with(state.present, |present| {
        if let Some(root) = crate::dom::document().document_element() {
            let _ = root.class_list().toggle_with_force("present", *present);
        }
    });

    use_window_events(state.dispatcher());
    let embed = state.location.route == Route::Embed;
    use_effect_with((state.theme, embed), |(theme, embed)| {
        if !embed {
            theme.apply() // the #/embed route shows the theme its URL names
        }
    });

    let ui = UiContext {
        present: state.present,
        dark: state.theme.is_dark(),
        layout_generation: state.layout_generation,
    };
    let toggle_theme = {
        let dispatch = state.dispatcher();
        Callback::from(move |_: MouseEvent| dispatch.dispatch(AppAction::ToggleTheme))
    };
    let toggle_present = {
        let (dispatch, present) = (state.dispatcher(), state.present);
        Callback::from(move |_: MouseEvent| dispatch.dispatch(AppAction::Present(!present)))
    };
    // A button rather than `href="#main"`: with hash routing, a fragment link would
    // navigate to a route named `main`.
    let skip_to_main = Callback::from(|_: MouseEvent| {
        if let Some(main) = crate::dom::document().get_element_by_id("main") {
            let _ = main.unchecked_into_html_element().focus();
        }
    });
    // `#/embed` is one view alone for an iframe: no header, no footer, no provider (the
    // embed provides its own `UiContext`).
    if state.location.route == Route::Embed {
        return route_view(&state);
    }
    let view = route_view(&state);
    let route = &state.location.route;
    let nav_link = |target: Route, label: &'static str| {
        let current = *route == target;
        html! { <a href={target.href()} aria-current={current.then_some("page")}>{ label }</a> }
    };
    let next_theme = state.theme.toggled().name();
    html! {
        <ContextProvider<UiContext> context={ui}>
            <button type="button" class="skip-link" onclick={skip_to_main}>{ "Skip to content" }</button>
            <header class="site-header">
                <div class="brand">
                    <a class="product" href={Route::Home.href()}>{ "attnscope" }</a>
                    <span class="tagline">{ "See what every attention head looks at — live, on your own GPU." }</span>
                </div>
                <nav aria-label="Views">
                    { nav_link(Route::Home, "Home") }
                    { nav_link(Route::Attention, "Live attention") }
                    { nav_link(Route::Translate, "Translation") }
                    { nav_link(Route::Generate, "Next token") }
                    { nav_link(Route::PositionalEncoding, "Positional encoding") }
                    { nav_link(Route::Playground, "Playground") }
                    { nav_link(Route::Lesson(1), "Lesson") }
                </nav>
                <div class="header-tools">
                    <span id="backend-chip" class="chip" data-backend={state.backend.kind()} role="status" title={state.backend.label()}>
                        { state.backend.label() }
                    </span>
                    <EngineMenu />
                    <button id="present-toggle" type="button" class="theme-toggle" onclick={toggle_present}
                        aria-pressed={state.present.to_string()} title="Presenter mode: large type for a projector; ← / → step, F full screen, Esc leaves">
                        { if state.present { "Leave presenter mode" } else { "Present" } }
                    </button>
                    <button id="theme-toggle" type="button" class="theme-toggle" onclick={toggle_theme}
                        aria-label={format!("Switch to the {next_theme} theme")} aria-pressed={state.theme.is_dark().to_string()}>
                        { if state.theme.is_dark() { "☀ Light" } else { "☾ Dark" } }
                    </button>
                </div>
            </header>
            <main id="main" tabindex="-1">{ view }</main>
            <footer class="site-footer">
                { "attnscope runs entirely in your browser; nothing you type leaves this page." }
                <span class="site-version">{ format!(" · attnscope {}", crate::embed::host::VERSION) }</span>
            </footer>
        </ContextProvider<UiContext>>
    }
}

/// The page's window events into the app's state: the hash (navigation), the size (plots
/// re-measure) and the compute backend once it is known.
#[hook]
fn use_window_events(dispatch: UseReducerDispatcher<AppState>) {
    use_effect_with((), move |()| {
        let window = crate::dom::window();
        let on_hash = {
            let dispatch = dispatch.clone();
            EventListener::new(&window, "hashchange", move |_| {
                dispatch.dispatch(AppAction::Navigated(Location::current()))
            })
        };
        let on_resize = {
            let dispatch = dispatch.clone();
            EventListener::new(&window, "resize", move |_| {
                dispatch.dispatch(AppAction::Resized)
            })
        };
        let on_backend = {
            let dispatch = dispatch.clone();
            crate::engine::page::subscribe(move |backend| {
                dispatch.dispatch(AppAction::BackendFound(backend))
            })
        };
        // Detection may have finished before this subscription (an embed on the page started
        // it), and then no change would ever be reported: read the current value once.
        dispatch.dispatch(AppAction::BackendFound(crate::engine::page::current()));
        move || drop((on_hash, on_resize, on_backend))
    });
}

/// The view of the current route, with the view's own URL parameters (the app's own,
/// `present` and `engine`, left out). A new hash makes a new view (`key`).
fn route_view(state: &AppState) -> Html {
    let query: crate::route::Query = state
        .location
        .query
        .iter()
        .filter(|(k, _)| !crate::route::APP_PARAMS.contains(&k.as_str()))
        .cloned()
        .collect();
    let key = state.location.to_hash();
    match &state.location.route {
        Route::Steps => html! {
            <StepsView {key} {query} backend={state.backend.clone()} on_device_lost={Callback::from(crate::engine::page::device_lost)} />
        },
        Route::Playground => html! { <PlaygroundView {key} {query} /> },
        Route::Lesson(n) => {
            html! { <LessonView {key} stop={*n} backend={state.backend.clone()} present={state.present} /> }
        }
        Route::Embed => html! { <EmbedPage query={state.location.query.clone()} /> },
        Route::Home => html! { <HomeView /> },
        Route::PositionalEncoding => html! { <PeView {key} {query} /> },
        Route::Attention => {
            let on_device_lost = Callback::from(crate::engine::page::device_lost);
            html! { <AttentionView {key} {query} backend={state.backend.clone()} {on_device_lost} /> }
        }
        Route::Translate => {
            let on_device_lost = Callback::from(crate::engine::page::device_lost);
            html! { <TranslateView {key} {query} backend={state.backend.clone()} {on_device_lost} /> }
        }
        Route::Generate => {
            let on_device_lost = Callback::from(crate::engine::page::device_lost);
            html! { <GenerateView {key} {query} backend={state.backend.clone()} {on_device_lost} /> }
        }
        Route::DebugPanic => {
            panic!("deliberate panic from #/debug/panic, to test the error banner")
        }
        Route::NotFound(path) => html! { <NotFoundView path={path.clone()} /> },
    }
}

/// An `Element` used as an `HtmlElement` without a runtime check, for `focus()` on the
/// `#main` element, which is always one.
trait UncheckedHtml {
    fn unchecked_into_html_element(self) -> web_sys::HtmlElement;
}

impl UncheckedHtml for web_sys::Element {
    fn unchecked_into_html_element(self) -> web_sys::HtmlElement {
        wasm_bindgen::JsCast::unchecked_into(self)
    }
}

/// Presenter mode's keys: F toggles full screen, Esc leaves presenter mode (and full screen).
#[hook]
fn use_presenter_keys(present: bool, dispatch: UseReducerDispatcher<AppState>) {
    use_window_keys(present, KeyPhase::Last, move |&present, event| {
        match event.key().as_str() {
            "f" | "F" if present => crate::dom::toggle_fullscreen(),
            "Escape" if present => dispatch.dispatch(AppAction::Present(false)),
            _ => return false,
        }
        true
    });
}

/// The header's Engine menu: auto (the default), GPU or CPU. A change is saved for later
/// visits and reloads the page (the text is in its URL), so every model loads on the engines
/// the choice offers.
#[component]
fn EngineMenu() -> Html {
    use crate::engine::choice::EngineChoice;
    let current = EngineChoice::for_page();
    let onchange = Callback::from(|event: Event| {
        let Some(select) = event.target_dyn_into::<web_sys::HtmlSelectElement>() else {
            return;
        };
        let Some(choice) = EngineChoice::parse(&select.value()) else {
            return;
        };
        choice.save();
        // A URL's `engine=` would outrank the saved choice: drop it before reloading.
        let mut location = Location::current();
        location.query.retain(|(k, _)| k != "engine");
        location.replace_current();
        let _ = crate::dom::window().location().reload();
    });
    let option = |choice: EngineChoice, label: &str| {
        html! { <option value={choice.name()} selected={current == choice}>{ label.to_owned() }</option> }
    };
    html! {
        <label class="engine-menu" title="Auto runs the faster engine for the model and length, never a software GPU">
            { "Engine" }
            <select id="engine-choice" {onchange}>
                { option(EngineChoice::Auto, "Auto") }
                { option(EngineChoice::Gpu, "GPU") }
                { option(EngineChoice::Cpu, "CPU") }
            </select>
        </label>
    }
}
