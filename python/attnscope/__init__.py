"""attnscope in a notebook: the web app's live attention views as a Jupyter widget.

``View`` shows one view of the ``<attn-scope>`` element (the same wasm and models as the web
app, carried in this package); its traits stay in sync with the page both ways, and
``View.result`` is the element's ``attnscope-result`` detail with the maps as numpy arrays.
"""

from ._widget import VIEWS, View

__version__ = "0.1.0"
__all__ = ["View", "VIEWS", "__version__"]
