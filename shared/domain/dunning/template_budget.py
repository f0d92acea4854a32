"""The budget a client's template renders within: Jinja2's sandbox stops attribute escapes,
not work. A template is code from outside, so every operation that can make a value or a loop
large is bounded here, with a reason the author can act on:

- numbers: ``**`` and ``*`` may not produce an integer over 4,096 bits (``7 ** 10000000``
  is refused before it is computed, not after it held the interpreter for seconds);
- strings and lists: ``*``, ``+``, ``%``, ``join``, ``replace``, ``center``... may not produce
  more than 100,000 characters or items; numeric arguments (widths, counts) at most 10,000;
- loops: ``range`` at most 10,000 items, and every ``for`` of a render draws on one budget of
  100,000 iterations (nested loops included);
- output: at most 256 KiB per part.

These limits make a render cheap in practice; the hard guarantee (a time and memory limit no
C-level operation can escape) is the isolated worker process the services render in
(``shared.adapters.template_sandbox``).
"""

from __future__ import annotations

import operator
import re
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from jinja2 import Environment, Template, nodes
from jinja2.nodes import EvalContext
from jinja2.runtime import Context, markup_join, str_join
from jinja2.sandbox import SandboxedEnvironment
from jinja2.visitor import NodeTransformer

MAX_INT_BITS = 4096
MAX_SIZE = 100_000  # characters of a string, items of a list
MAX_ARGUMENT = 10_000  # a width, a count, a range
MAX_RANGE = 10_000
MAX_ITERATIONS = 100_000  # all loops of one render together
MAX_OUTPUT = 256 * 1024
COMPILED_CACHE = 256
_WIDTH = re.compile(r"%[-#0 +]*(\d+)?(?:\.(\d+))?|\{[^{}]*?[:<>^=]+\D?(\d+)")
_LOOP_GUARD = "__inning_loop"
_CONCAT = "__inning_concat"
_CONCAT_MARKUP = "__inning_concat_markup"


class BudgetExceeded(ValueError):
    """A template asked for more work or memory than a message may take."""


def _size(value: Any) -> int:
    return len(value) if isinstance(value, str | bytes | list | tuple) else 0


def _weight(value: Any, depth: int = 0) -> int:
    """About how many characters printing ``value`` takes (lists of long strings count whole)."""
    if isinstance(value, str | bytes):
        return len(value)
    if isinstance(value, list | tuple) and depth < 4:
        return sum(_weight(v, depth + 1) + 2 for v in value[: MAX_SIZE + 1])
    return 8


def _check_int(value: Any, what: str) -> None:
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > MAX_INT_BITS:
        raise BudgetExceeded(f"{what} gives a number over {MAX_INT_BITS} bits")


def _check_size(size: int, what: str) -> None:
    if size > MAX_SIZE:
        raise BudgetExceeded(f"{what} gives more than {MAX_SIZE:,} characters or items")


def _check_widths(fmt: str) -> None:
    for match in _WIDTH.finditer(fmt):
        for group in match.groups():
            if group and int(group) > MAX_ARGUMENT:
                raise BudgetExceeded(f"a format width over {MAX_ARGUMENT:,}")


def _power(left: Any, right: Any) -> Any:
    whole = isinstance(left, int) and isinstance(right, int) and right > 0 and abs(left) > 1
    if whole and right * abs(left).bit_length() > MAX_INT_BITS + 64:
        raise BudgetExceeded(f"** gives a number over {MAX_INT_BITS} bits")
    result = operator.pow(left, right)
    _check_int(result, "**")
    return result


def _times(left: Any, right: Any) -> Any:
    if isinstance(left, int) and isinstance(right, int):
        if left.bit_length() + right.bit_length() > MAX_INT_BITS + 1:
            raise BudgetExceeded(f"* gives a number over {MAX_INT_BITS} bits")
    elif (isinstance(right, int) and _size(left)) or (isinstance(left, int) and _size(right)):
        count, seq = (right, left) if isinstance(right, int) else (left, right)
        _check_size(_size(seq) * max(count, 0), "*")
        if isinstance(seq, list | tuple):
            _check_size(_weight(seq) * max(count, 0) // 10, "*")
    return operator.mul(left, right)


def _plus(left: Any, right: Any) -> Any:
    if _size(left) and _size(right):
        _check_size(_size(left) + _size(right), "+")
        _check_size((_weight(left) + _weight(right)) // 10, "+")
    return operator.add(left, right)


def _modulo(left: Any, right: Any) -> Any:
    if isinstance(left, str):
        _check_widths(left)
        result = operator.mod(left, right)
        _check_size(len(result), "%")
        return result
    return operator.mod(left, right)


_BINOPS: dict[str, Callable[[Any, Any], Any]] = {
    "**": _power,
    "*": _times,
    "+": _plus,
    "%": _modulo,
}


class _LoopBudget:
    """Counts the iterations of every loop of one render."""

    def __init__(self) -> None:
        self.left = MAX_ITERATIONS

    def spend(self) -> None:
        self.left -= 1
        if self.left < 0:
            raise BudgetExceeded(f"loops and calls run more than {MAX_ITERATIONS:,} times")

    def __call__(self, iterable: Iterable[Any]) -> Iterator[Any]:
        for item in iterable:
            self.spend()
            yield item


class _GuardLoops(NodeTransformer):
    """``{% for x in xs %}`` becomes ``{% for x in __inning_loop(xs) %}`` and ``a ~ b``
    becomes ``__inning_concat(a, b)`` (Jinja joins strings in ``~`` without asking the
    sandbox)."""

    def __init__(self, autoescape: bool) -> None:
        self.autoescape = autoescape

    def visit_Concat(self, node: nodes.Concat) -> nodes.Node:
        self.generic_visit(node)
        name = _CONCAT_MARKUP if self.autoescape else _CONCAT
        return nodes.Call(nodes.Name(name, "load"), list(node.nodes), [], None, None)

    def visit_For(self, node: nodes.For) -> nodes.Node:
        if node.recursive:
            # a recursive loop calls itself on whatever it is given: unbounded work
            raise BudgetExceeded("recursive loops are not allowed in a template")
        self.generic_visit(node)
        node.iter = nodes.Call(nodes.Name(_LOOP_GUARD, "load"), [node.iter], [], None, None)
        return node


def _bounded_range(*args: int) -> range:
    for arg in args:
        if not isinstance(arg, int):
            raise BudgetExceeded("range takes whole numbers")
    result = range(*args)
    if len(result) > MAX_RANGE:
        raise BudgetExceeded(f"range over {MAX_RANGE:,} items")
    return result


class BudgetedEnvironment(SandboxedEnvironment):
    """Jinja2's sandbox plus the budget above."""

    intercepted_binops = frozenset(_BINOPS)

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        # compiled templates by source: compiling is most of a render's cost, and a client's
        # few templates are rendered for every debtor of a run
        self._compiled: OrderedDict[str, Template] = OrderedDict()
        self._compiled_lock = threading.Lock()
        self.globals["range"] = _bounded_range
        self.globals.pop("lipsum", None)  # a generator of any amount of text
        self.globals.pop("cycler", None)
        for name in ("center", "indent", "wordwrap", "truncate", "format", "replace", "join"):
            if name in self.filters:
                self.filters[name] = _guarded_filter(name, self.filters[name])

    def _parse(self, source: str, name: str | None, filename: str | None) -> nodes.Template:
        if "__inning" in source:
            raise BudgetExceeded("names starting with __inning are reserved")
        tree = super()._parse(source, name, filename)
        guarded = _GuardLoops(self.autoescape is True).visit(tree)
        assert isinstance(guarded, nodes.Template)
        return guarded

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        if operator in _BINOPS:
            return _BINOPS[operator](left, right)
        return super().call_binop(context, operator, left, right)

    def call(
        __self,
        __context: Any,
        __obj: Any,
        *args: Any,
        **kwargs: Any,
    ) -> Any:
        budget = __context.resolve_or_missing(_LOOP_GUARD) if __context is not None else None
        if isinstance(budget, _LoopBudget) and __obj is not budget:
            budget.spend()  # a macro calling itself twice would otherwise double each level
        _check_arguments(args, kwargs)
        target = getattr(__obj, "__wrapped__", __obj)  # the sandbox wraps str.format
        owner = getattr(target, "__self__", None)
        method = getattr(target, "__name__", "")
        if isinstance(owner, str):
            args = _check_string_method(owner, method, args)
        result = SandboxedEnvironment.call(__self, __context, __obj, *args, **kwargs)
        _check_size(_size(result), f"{method or 'a call'}")
        _check_int(result, method or "a call")
        return result

    def compiled(self, source: str) -> Template:
        with self._compiled_lock:
            found = self._compiled.get(source)
            if found is not None:
                self._compiled.move_to_end(source)
                return found
        template = self.from_string(source)  # parse errors are raised, and not cached
        with self._compiled_lock:
            self._compiled[source] = template
            while len(self._compiled) > COMPILED_CACHE:
                self._compiled.popitem(last=False)
        return template

    def fresh_budget(self) -> dict[str, Any]:
        """The per-render globals: a new loop budget, the guarded ``~``."""
        return {
            _LOOP_GUARD: _LoopBudget(),
            _CONCAT: _concat(str_join),
            _CONCAT_MARKUP: _concat(markup_join),
        }


def _concat(join: Callable[[Iterable[Any]], str]) -> Callable[..., str]:
    def concat(*parts: Any) -> str:
        _check_size(sum(_weight(p) for p in parts), "~")
        return join(parts)

    return concat


def _check_arguments(args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
    """No call takes a number beyond any amount in cents (widths are checked per method)."""
    for value in (*args, *kwargs.values()):
        if isinstance(value, int) and not isinstance(value, bool) and abs(value) > 10**15:
            raise BudgetExceeded("an argument too large for a message")


def _check_string_method(owner: str, method: str, args: tuple[Any, ...]) -> tuple[Any, ...]:
    """Refuse a string method call that would build too much; the (materialised) arguments."""
    widening = method in ("center", "ljust", "rjust", "zfill", "expandtabs")
    if widening and args and isinstance(args[0], int) and args[0] > MAX_ARGUMENT:
        raise BudgetExceeded(f"{method} wider than {MAX_ARGUMENT:,}")
    if method == "replace" and len(args) >= 2:
        old, new = str(args[0]), str(args[1])
        count = owner.count(old) if old else len(owner) + 1
        _check_size(len(owner) + count * max(0, len(new) - len(old)), "replace")
    if method == "join" and args:
        items = list(_counted(args[0]))
        _check_size(sum(len(str(i)) for i in items) + len(owner) * len(items), "join")
        args = (items, *args[1:])
    if method in ("format", "format_map"):
        _check_widths(owner)
    return args


def _counted(iterable: Any) -> Iterator[Any]:
    """Materialise at most MAX_SIZE items of something a template hands to a join."""
    for index, item in enumerate(iterable):
        if index >= MAX_SIZE:
            raise BudgetExceeded(f"join over more than {MAX_SIZE:,} items")
        yield item


def _guarded_filter(name: str, inner: Callable[..., Any]) -> Callable[..., Any]:
    def guarded(*args: Any, **kwargs: Any) -> Any:
        plumbing = (Environment, Context, EvalContext)  # what pass_context and friends pass
        skip = sum(1 for a in args[:1] if isinstance(a, plumbing))
        values = list(args[skip:])
        for value in (*values[1:], *kwargs.values()):
            if isinstance(value, int) and not isinstance(value, bool) and value > MAX_ARGUMENT:
                raise BudgetExceeded(f"{name}: an argument over {MAX_ARGUMENT:,}")
        if values:
            subject = values[0]
            if name == "format" and isinstance(subject, str):
                _check_widths(subject)
            if name == "replace" and len(values) >= 3:
                text, old, new = str(values[0]), str(values[1]), str(values[2])
                count = text.count(old) if old else len(text) + 1
                _check_size(len(text) + count * max(0, len(new) - len(old)), "replace")
            if name == "join" and isinstance(subject, Iterable) and not isinstance(subject, str):
                items = list(_counted(subject))
                glue = str(values[1]) if len(values) > 1 else str(kwargs.get("d", ""))
                _check_size(sum(len(str(i)) for i in items) + len(glue) * len(items), "join")
                args = (*args[:skip], items, *args[skip + 1 :])
        result = inner(*args, **kwargs)
        _check_size(_size(result), name)
        return result

    guarded.__dict__.update(getattr(inner, "__dict__", {}))  # keep pass_context and friends
    return guarded


def render_bounded(env: BudgetedEnvironment, source: str, variables: dict[str, Any]) -> str:
    """Render with a fresh loop budget, stopping as soon as the output passes its limit."""
    template = env.compiled(source)
    out: list[str] = []
    size = 0
    for chunk in template.generate({**variables, **env.fresh_budget()}):
        size += len(chunk)
        if size > MAX_OUTPUT:
            raise BudgetExceeded(f"the text is longer than {MAX_OUTPUT // 1024} KiB")
        out.append(chunk)
    return "".join(out)
