//! Callbacks that send a reducer one action: made once per dispatcher (`use_callback`), so
//! children's props stay equal between renders (a new `Callback` each render re-rendered
//! every panel and token chip on a keystroke before its forward had even run).

use yew::prelude::*;

/// A callback, made once, that dispatches `action(input)` to `dispatch`'s reducer.
#[hook]
pub fn use_dispatch<R, In>(
    dispatch: &UseReducerDispatcher<R>,
    action: fn(In) -> R::Action,
) -> Callback<In>
where
    R: Reducible + 'static,
    In: 'static,
{
    use_callback(dispatch.clone(), move |input: In, dispatch| {
        dispatch.dispatch(action(input))
    })
}
