//! One element watched by a browser observer (IntersectionObserver, ResizeObserver) for as
//! long as a hook's effect lives: the observer is connected to the element once, and
//! disconnected — its Rust callback freed with it — when the effect is cleaned up.

use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use yew::NodeRef;

/// The callback an observer calls with its entries.
pub type Entries = Closure<dyn FnMut(js_sys::Array)>;

/// An observer that watches elements: the two the hooks use.
pub trait Observer {
    /// Starts watching `element`.
    fn watch(&self, element: &web_sys::Element);
    /// Stops watching everything.
    fn disconnect(&self);
}

impl Observer for web_sys::IntersectionObserver {
    fn watch(&self, element: &web_sys::Element) {
        self.observe(element);
    }
    fn disconnect(&self) {
        web_sys::IntersectionObserver::disconnect(self);
    }
}

impl Observer for web_sys::ResizeObserver {
    fn watch(&self, element: &web_sys::Element) {
        self.observe(element);
    }
    fn disconnect(&self) {
        web_sys::ResizeObserver::disconnect(self);
    }
}

/// `node`'s element watched by the observer `make` builds from the callback's JS function
/// (`None` where the browser lacks that observer: nothing is watched, nothing fails).
/// Dropping the value disconnects the observer and frees `callback`.
pub struct Watching<O: Observer> {
    observer: Option<O>,
    _callback: Entries,
}

impl<O: Observer> Watching<O> {
    /// Builds the observer around `callback` and, if `node` is mounted, watches its element.
    pub fn start(
        node: &NodeRef,
        callback: Entries,
        make: impl FnOnce(&js_sys::Function) -> Option<O>,
    ) -> Self {
        Self::start_on(node.cast::<web_sys::Element>(), callback, make)
    }

    /// [`Watching::start`] for an element found another way (the document's root element);
    /// `None` watches nothing.
    pub fn start_on(
        element: Option<web_sys::Element>,
        callback: Entries,
        make: impl FnOnce(&js_sys::Function) -> Option<O>,
    ) -> Self {
        let observer = make(callback.as_ref().unchecked_ref());
        if let (Some(observer), Some(element)) = (&observer, element) {
            observer.watch(&element);
        }
        Self {
            observer,
            _callback: callback,
        }
    }
}

impl<O: Observer> Drop for Watching<O> {
    fn drop(&mut self) {
        if let Some(observer) = &self.observer {
            observer.disconnect();
        }
    }
}
