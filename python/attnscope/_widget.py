"""The widget: traits mirrored to an ``<attn-scope>`` element, and the files it asks for.

The page has no web server to fetch attnscope's files from, and the kernel may have no
network at all: every file the element loads (its glue script, the wasm, the stylesheet, the
models, a brought folder) is asked of this object over the widget's comm and answered from
``static/`` (copied from ``dist/`` when the wheel is built) or from the brought folder.
"""

from __future__ import annotations

import mimetypes
import pathlib
from typing import Any

import anywidget
import numpy as np
import traitlets

STATIC = pathlib.Path(__file__).parent / "static"

#: The views an element can show (``view=``).
VIEWS = ("heatmap", "head", "model", "rollout", "pooling", "alignment", "pe", "next-token")

#: The files of a model folder the page reads, when present.
FOLDER_FILES = ("config.json", "model.safetensors", "tokenizer.json", "vocab.txt", "tokenizer_config.json")

_TYPES = {".wasm": "application/wasm", ".js": "text/javascript", ".css": "text/css", ".json": "application/json"}


def _module_source() -> str:
    """The widget's ES module: embed.js (which defines the element) and the widget's glue."""
    embed = STATIC / "embed.js"
    if not embed.is_file():
        raise FileNotFoundError(
            f"attnscope's web files are missing from {STATIC}: install the wheel that "
            "scripts/release.sh builds (it copies them from dist/), not the source folder"
        )
    glue = pathlib.Path(__file__).parent / "widget.js"
    return embed.read_text("utf-8") + "\n" + glue.read_text("utf-8")


def _inside(root: pathlib.Path, relative: str) -> pathlib.Path | None:
    """``root / relative`` if that is a file inside ``root`` (no ``..`` or link escapes)."""
    path = (root / relative).resolve()
    return path if path.is_file() and path.is_relative_to(root.resolve()) else None


def _source_of(model: str) -> tuple[pathlib.Path | None, dict]:
    """What ``model`` names: a folder (its path, and the files the page may ask for, with a
    stamp that changes with their contents) or a shipped model's name."""
    path = pathlib.Path(model).expanduser()
    if not path.is_dir():
        return None, {"kind": "shipped", "name": model}
    files = [name for name in FOLDER_FILES if (path / name).is_file()]
    stats = [(path / name).stat() for name in files]
    stamp = f"{max((s.st_mtime_ns for s in stats), default=0)}-{sum(s.st_size for s in stats)}"
    return path, {"kind": "folder", "label": path.resolve().name, "files": files, "stamp": stamp}


class View(anywidget.AnyWidget):
    """A live attention view: ``View(text="not bad at all", model="sentiment-transformer",
    view="heatmap")``. ``model`` is a shipped model's name or the path of your own BERT-family
    folder; typing in the view updates ``text`` and ``result``, setting a trait updates the view.
    """

    _esm = _module_source() if (STATIC / "embed.js").is_file() else ""

    text = traitlets.Unicode("not bad at all").tag(sync=True)
    """The text the view shows (typing in the view changes it)."""
    model = traitlets.Unicode("sentiment-transformer").tag(sync=True)
    """A shipped model's name, or the path of a model folder."""
    view = traitlets.Unicode("heatmap").tag(sync=True)
    """One of :data:`VIEWS`."""
    layer = traitlets.Int(0).tag(sync=True)
    """The layer drawn, from 0."""
    head = traitlets.Int(0).tag(sync=True)
    """The head drawn, from 0."""
    editable = traitlets.Bool(True).tag(sync=True)
    """Whether the view has a text field to type in."""
    theme = traitlets.Unicode("").tag(sync=True)
    """``light``, ``dark``, or empty to follow the notebook's theme."""
    engine = traitlets.Unicode("").tag(sync=True)
    """``gpu``, ``cpu``, or empty for the fastest."""
    error = traitlets.Unicode("").tag(sync=True)
    """The element's last error message (empty when the last result came)."""

    _result = traitlets.Dict().tag(sync=True)
    # What the page runs, set after every change of `model`: {kind: "shipped", name} or
    # {kind: "folder", label, files, stamp} (the page follows this trait, not `model`).
    _source = traitlets.Dict().tag(sync=True)

    def __init__(self, **kwargs: Any) -> None:
        if not self._esm:
            _module_source()  # raises, naming what is missing
        # The first state the page gets names the source already (no default model shown first).
        self._folder_path, source = _source_of(kwargs.get("model", type(self).model.default_value))
        super().__init__(_source=source, **kwargs)
        self.observe(lambda change: self._bring(change["new"]), names="model")
        self.on_msg(self._answer)

    @traitlets.validate("model")
    def _check_model(self, proposal: dict) -> str:
        """A folder is checked before it becomes the model: one without config.json is refused."""
        path = pathlib.Path(proposal["value"]).expanduser()
        if path.is_dir() and not (path / "config.json").is_file():
            raise traitlets.TraitError(f"{path} has no config.json: not a model folder")
        return proposal["value"]

    @traitlets.validate("view")
    def _check_view(self, proposal: dict) -> str:
        if proposal["value"] not in VIEWS:
            raise traitlets.TraitError(f"view must be one of {', '.join(VIEWS)}, not {proposal['value']!r}")
        return proposal["value"]

    @property
    def result(self) -> dict:
        """The last ``attnscope-result`` detail: tokens, probabilities or translation, the
        figure's labels, and ``maps``, each with its ``values`` as a rows × cols numpy array."""
        detail = dict(self._result)
        maps = []
        for shown in detail.get("maps", []):
            shown = dict(shown)
            shown["values"] = np.asarray(shown["values"], dtype=np.float32).reshape(shown["rows"], shown["cols"])
            maps.append(shown)
        if "maps" in detail:
            detail["maps"] = maps
        if detail.get("probabilities") is not None:
            detail["probabilities"] = np.asarray(detail["probabilities"], dtype=np.float32)
        return detail

    def _bring(self, model: str) -> None:
        """A new `model`: what it names, for the page (``_source``)."""
        self._folder_path, self._source = _source_of(model)

    def _file(self, path: str) -> bytes | None:
        """The bytes of a file the page asked for: ``folder/<name>`` of the brought folder,
        else a path inside ``static/``."""
        if path.startswith("folder/"):
            name = path.removeprefix("folder/")
            if self._folder_path is None or name not in FOLDER_FILES:
                return None
            # The names are a fixed list, so nothing escapes the folder; its files may be
            # links (a Hugging Face cache's snapshot links into blobs/).
            found = self._folder_path / name
            found = found if found.is_file() else None
        else:
            found = _inside(STATIC, path)
        return found.read_bytes() if found else None

    def _answer(self, _widget: Any, content: dict, _buffers: list) -> None:
        """Answers the page's ``{kind: "file", id, path}`` with the file's bytes."""
        if not isinstance(content, dict) or content.get("kind") != "file":
            return
        path = str(content.get("path", ""))
        try:
            data = self._file(path)
        except OSError:
            data = None  # unreadable: the page is told the file is missing, never left waiting
        kind = _TYPES.get(pathlib.PurePosixPath(path).suffix) or mimetypes.guess_type(path)[0] or "application/octet-stream"
        reply = {"kind": "file", "id": content.get("id"), "ok": data is not None, "type": kind}
        self.send(reply, buffers=[data] if data is not None else None)
