"""How pages show a term, in Python: the macros of ``_ui.html`` that pages call for every term
(``link``, ``name``, ``mark``, ``value``, ``refs``, and ``items``: a list of links), with the
very output of the template code they replace, at a fraction of a macro call's cost; and attribute lookups on the views' dicts
(``t.label``) without Jinja's try-the-attribute-first exception.

A term is the dict views.Namer makes (``iri``, ``href``, ``label``, ``lang``, ``fallback``,
``raw``); a value is a term or a literal (``text``, ``lang``). The fallback mark's title is in
the page's language: the calling template's ``ui``.
"""

from __future__ import annotations

from typing import Any

from jinja2 import Environment, pass_context
from jinja2.runtime import Context
from markupsafe import Markup, escape

#: The attributes of a dict: Jinja's ``d.name`` gives these before the item ``name``.
_DICT_ATTRIBUTES = frozenset(dir(dict))


def install(environment: Environment) -> None:
    """Give templates these functions (as ``_ui_link`` and so on, which ``_ui.html`` exports
    under the macros' names), look up dicts' items directly, and stop checking the template
    files for changes on every render (the package's templates change with the package)."""
    environment.auto_reload = False
    environment.globals.update(
        _ui_link=link,
        _ui_name=name,
        _ui_mark=mark,
        _ui_value=value,
        _ui_refs=refs,
        _ui_items=items,
        _ui_passage=passage,
    )
    generic = environment.getattr

    def getattr_(obj: Any, attribute: str) -> Any:
        """Environment.getattr (the attribute, else the item, else undefined), without raising
        and catching AttributeError for every item of a plain dict."""
        if type(obj) is dict and attribute not in _DICT_ATTRIBUTES:
            try:
                return obj[attribute]
            except KeyError:
                return environment.undefined(obj=obj, name=attribute)
        return generic(obj, attribute)

    environment.getattr = getattr_


def _get(environment: Environment, term: Any, key: str) -> Any:
    return environment.getattr(term, key)


def _text(value: Any) -> str:
    """What ``{{ value }}`` writes (markupsafe.escape), as a plain string."""
    if type(value) is str:
        return (
            value.replace("&", "&amp;")
            .replace(">", "&gt;")
            .replace("<", "&lt;")
            .replace("'", "&#39;")
            .replace('"', "&#34;")
        )
    return str(escape(value))


def _mark(context: Context, t: Any) -> str:
    e = context.environment
    if not _get(e, t, "fallback"):
        return ""
    title = _text(context.resolve("ui")("fallback"))
    return f'<small class="fallback" title="{title}">{_text(_get(e, t, "lang"))}</small>'


def _attributes(e: Environment, t: Any) -> str:
    """`` lang="…"`` and `` class="raw"``, as the term needs them."""
    lang = _get(e, t, "lang")
    out = f' lang="{_text(lang)}"' if lang else ""
    return out + ' class="raw"' if _get(e, t, "raw") else out


def _name(context: Context, t: Any) -> str:
    e = context.environment
    label = _text(_get(e, t, "label"))
    return f"<span{_attributes(e, t)}>{label}</span>{_mark(context, t)}"


def _link(context: Context, t: Any) -> str:
    e = context.environment
    href = _get(e, t, "href")
    if href:
        label = _text(_get(e, t, "label"))
        return f'<a href="{_text(href)}"{_attributes(e, t)}>{label}</a>{_mark(context, t)}'
    iri = _get(e, t, "iri")
    if iri and iri.startswith("http"):
        raw = " raw" if _get(e, t, "raw") else ""
        lang = _get(e, t, "lang")
        lang = f' lang="{_text(lang)}"' if lang else ""
        label = _text(_get(e, t, "label"))
        return f'<a href="{_text(iri)}" class="external{raw}"{lang}>{label}</a>{_mark(context, t)}'
    return _name(context, t)


@pass_context
def mark(context: Context, t: Any) -> Markup:
    """``<small class="fallback" title="…">lang</small>`` where the label falls back to another
    language, else nothing."""
    return Markup(_mark(context, t))


@pass_context
def name(context: Context, t: Any) -> Markup:
    """A term's label in a span (its language marked), and the fallback mark."""
    return Markup(_name(context, t))


@pass_context
def link(context: Context, t: Any) -> Markup:
    """A term as a link to its page here, else to its IRI (http), else its name."""
    return Markup(_link(context, t))


@pass_context
def items(context: Context, terms: Any) -> Markup:
    """``<li>{{ link(t) }}</li>`` for each term, in one call."""
    return Markup("".join(f"<li>{_link(context, t)}</li>" for t in terms))


@pass_context
def value(context: Context, v: Any) -> Markup:
    """A statement's value: a term as a link, a literal in a span (its language marked)."""
    e = context.environment
    if _get(e, v, "iri"):
        return Markup(_link(context, v))
    lang = _get(e, v, "lang")
    lang = f' lang="{_text(lang)}"' if lang else ""
    return Markup(f"<span{lang}>{_text(_get(e, v, 'text'))}</span>")


def refs(numbers: Any) -> Markup:
    """Links to the numbered sources of a statement."""
    return Markup(
        "".join(f'<a class="ref" href="#source-{_text(n)}">[{_text(n)}]</a>' for n in numbers)
    )


@pass_context
def passage(context: Context, p: Any, d: Any) -> Markup:
    """One passage of a source document on an entity page (``_passages.html``): the quote in its
    context, the properties it states, its versions and its place in the source text."""
    e = context.environment
    ui = context.resolve("ui")
    lang = _get(e, d, "lang")
    lang = f' lang="{_text(lang)}"' if lang else ""
    quote = "".join((_text(_get(e, p, "prefix")), "<mark>", _text(_get(e, p, "exact")), "</mark>"))
    stated = ", ".join(_link(context, t) for t in _get(e, p, "properties"))
    version = _text(ui("passages_version"))
    for v in _get(e, p, "versions"):
        stated += f' (<a href="{_text(_get(e, v, "href"))}">{version}</a>)'
    start, end = ui.number(_get(e, p, "start")), ui.number(_get(e, p, "end"))
    place = _text(ui("passages_in_text", start=start, end=end))
    return Markup(
        f'<li><p class="quote"{lang}>{quote}{_text(_get(e, p, "suffix"))}</p>\n'
        f'<p class="stated">{stated} · <a href="{_text(_get(e, p, "href"))}">{place}</a></p></li>'
    )
