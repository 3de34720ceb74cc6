"""A presentation lint: what a strict teaching assistant would correct on a page, found by program.

Every variant goes to a student unread, so ``sheets check`` runs these rules on every
variant it draws, next to the independent check of its answer. Each rule looks at one
thing a program can see: the SymPy expressions of the inputs, the worked steps and the
answers, or the LaTeX the templates print (and, with ``--compile``, pdflatex's log).
A finding names its rule and the offending snippet; ``sheets check`` reports it with the
family and seed like any other failure.
"""

import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import sympy

from generator.kit.differentiation import SUM, Piece
from generator.kit.family import Family, Variant, find_all, jsonable
from generator.kit.functions import compound_parts, structure
from generator.kit.printing import tex
from generator.kit.rewrites import uncollected
from generator.kit.steps import Chain, flattened
from generator.kit.widths import MAX_STEP_WIDTH, matrix_width, printed_width

MAX_ZERO_SHARE = sympy.Rational(1, 3)
"""At most this share of a matrix answer's entries (or of a list of three or more partials) may be 0."""
MAX_OVERFULL_PT = 1.0
VAGUE_REASONS = frozenset({"simplify", "simplified", "tidy", "tidy up", "rearrange", "clean up", "algebra"})
"""Step reasons that hide what the step did: a reader needs the rewrite named."""


@dataclass(frozen=True)
class Finding:
    rule: str
    snippet: str

    def __str__(self) -> str:
        return f"lint {self.rule}: {self.snippet}"


def lint_variant(family: Family, variant: Variant, statement: str, solution: str) -> list[Finding]:
    """Every finding on one rendered variant, each rule and snippet once."""
    if family.static:
        return []
    printed = f"{statement}\n{solution}"
    findings = [
        *repeated_factors(variant),
        *function_powers(printed),
        *powers_of_powers(printed),
        *glued_coefficients(printed),
        *big_before_minus(printed),
        *double_negatives(printed),
        *bracket_after_function(printed),
        *function_bracket_gaps(printed),
        *plus_minus(printed),
        *unevaluated_results(family, variant),
        *repeats_in_part(variant),
        *shared_parts(variant),
        *canonical_repeat(family, variant),
        *zero_shares(family, variant),
        *long_lines(family, variant),
        *reorder_only_steps(variant),
        *vague_reasons(variant),
        *uncollected_terms(variant),
        *quotes_as_written(variant),
        *sums_from_the_table(variant),
        *header_scopes(solution),
    ]
    return list(dict.fromkeys(findings))


# --- repeated adjacent factor ---------------------------------------------------------------


def repeated_factors(variant: Variant) -> Iterator[Finding]:
    """A product that prints one base twice side by side (``4 x x (3x - 2)``, ``\\cos x \\cos x``,
    ``2x^2 \\cdot x e^x``), or a number glued to a fraction (``2 \\frac{x}{x^2+1}``)."""
    for expr in _expressions(variant):
        printed = tex(expr)
        for group in _groups(printed):
            yield from _adjacent_repeats(_atoms(group))


_OPERATORS = frozenset({"+", "-", "=", "&", ",", ";", "<", ">", "|"})
_SEPARATING_COMMANDS = frozenset({"cdot", "times", "quad", "qquad", "approx", "leq", "geq", "neq", "to", "mapsto"})


def _atoms(latex: str) -> list[tuple[str, str]]:
    """The top level of ``latex`` as ("atom", text) and ("op", text) items: an atom is one printed
    factor (``x^{3}``, ``\\cos{\\left(x \\right)}``, ``\\frac{1}{2}``), an op anything between factors."""
    items: list[tuple[str, str]] = []
    current = ""
    index = 0

    def close():
        nonlocal current
        if current.strip():
            items.append(("atom", current.strip()))
        current = ""

    while index < len(latex):
        char = latex[index]
        if char == "{":
            end = _closing(latex, index)
            current += latex[index : end + 1]
            index = end + 1
        elif latex.startswith("\\left", index):
            end = _matching_right(latex, index)
            end = len(latex) if end is None else end
            current += latex[index:end]
            index = end
        elif char == "(":  # a function's plain brackets: \cos(x - 2) is one factor
            end = _closing_bracket(latex, index)
            current += latex[index : end + 1]
            index = end + 1
        elif char == "\\":
            name = re.match(r"\\([a-zA-Z]+|.)", latex[index:]).group(1)
            if name in _SEPARATING_COMMANDS or name == "\\":
                close()
                items.append(("op", name))
            else:
                current += "\\" + name
            index += 1 + len(name)
        elif char.isspace():
            if re.search(r"\\[a-zA-Z]+$", current):
                current += char  # an argument follows: \log 3
            elif not current.endswith(("^", "_")):
                close()
            index += 1
        elif char in _OPERATORS:
            close()
            items.append(("op", char))
            index += 1
        else:
            current += char
            index += 1
    close()
    return items


def _adjacent_repeats(items: list[tuple[str, str]]) -> Iterator[Finding]:
    for first, second, third in zip(items, items[1:], [*items[2:], ("op", "")]):
        if first[0] == second[0] == "atom":
            left, right = first[1], second[1]
            if _is_number(left) and right.startswith("\\frac"):
                yield Finding("glued-coefficient", f"{left} {right}")
            elif _base(left) == _base(right) and not _is_number(left) and (_base(left) != "e" or _like_exponentials(left, right)):
                yield Finding("repeated-factor", f"{left} {right}")
        if first[0] == third[0] == "atom" and second == ("op", "cdot"):
            left, right = first[1], third[1]
            if _base(left) == _base(right) and not _is_number(left) and _base(left) != "e" and "\\frac" not in left + right:
                yield Finding("repeated-factor", f"{first[1]} \\cdot {right}")


def _like_exponentials(left: str, right: str) -> bool:
    """``e^{x} e^{2 x}``: exponentials whose exponents differ only in sign and number, which SymPy
    (and a hand) writes as one, ``e^{3 x}``; ``e^{x} e^{x^{2}}`` and ``e^{x} e^{- y}`` may stand apart."""
    return _exponent_term(left) == _exponent_term(right)


def _exponent_term(atom: str) -> str:
    """The exponent of ``e^{...}`` without its sign and leading number: ``e^{- 3 x/2}`` gives ``x/2``."""
    exponent = atom[len("e^{") : -1] if atom.startswith("e^{") else atom[len("e^") :]
    return re.sub(r"^-?\s*\d*\s*", "", exponent)


def _base(atom: str) -> str:
    """An atom without its exponent: ``x^{3}`` is ``x``, ``\\left(x + 1\\right)^{2}`` is ``\\left(x + 1\\right)``."""
    atom = atom.strip()
    if atom.endswith("}"):
        depth = 0
        for index in range(len(atom) - 1, -1, -1):
            depth += {"}": 1, "{": -1}.get(atom[index], 0)
            if depth == 0:
                return atom[: index - 1].strip() if atom[index - 1 : index] == "^" else atom
    if len(atom) > 2 and atom[-2] == "^":
        return atom[:-2].strip()
    return atom


def _is_number(atom: str) -> bool:
    """Whether an atom shows only numbers (``3``, ``\\left(1 + 3^{2}\\right)``): products of numbers are substitutions."""
    return not re.search(r"[a-zA-Z]", re.sub(r"\\(left|right|frac|cdot)\b", "", atom))


def _groups(latex: str) -> Iterator[str]:
    """``latex`` and the inside of every brace group and ``\\left ... \\right`` pair in it."""
    yield latex
    for index, char in enumerate(latex):
        if char == "{" and (index == 0 or latex[index - 1] != "\\"):
            yield latex[index + 1 : _closing(latex, index)]
    for match in re.finditer(r"\\left.", latex):
        end = _matching_right(latex, match.start())
        if end is not None:
            yield latex[match.end() : end - len("\\right.")]


def _closing_bracket(latex: str, opening: int) -> int:
    """Index of the ``)`` that closes the ``(`` at ``opening`` (the end of ``latex`` if none does)."""
    depth = 0
    for index in range(opening, len(latex)):
        depth += {"(": 1, ")": -1}.get(latex[index], 0)
        if depth == 0:
            return index
    return len(latex) - 1


def _closing(latex: str, opening: int) -> int:
    depth = 0
    for index in range(opening, len(latex)):
        if latex[index] == "{" and latex[index - 1 : index] != "\\":
            depth += 1
        elif latex[index] == "}" and latex[index - 1 : index] != "\\":
            depth -= 1
            if depth == 0:
                return index
    return len(latex) - 1


# --- printed LaTeX ------------------------------------------------------------------------------

_FUNCTION_WITH_POWER = re.compile(r"\\(?:log|ln|exp)\^|\\sigma\^\{[^{}]*\}\s*\(")
_BIG_MINUS = re.compile(r"\\(?:big|Big|bigg|Bigg)\s*[(\[]\s*-")
_GLUED = re.compile(r"(?<![\w{^_.\\])\d+\s*\\frac\{")
_DELIMITER = re.compile(r"\\(left|right)\b")


def function_powers(printed: str) -> Iterator[Finding]:
    """``\\log(u)^3`` or ``\\log^3 u``: the power of a function application a student can read two ways."""
    for match in _FUNCTION_WITH_POWER.finditer(printed):
        yield Finding("function-power", printed[match.start() : match.end() + 20])
    for start, end in _applications(printed):
        if printed[end:].lstrip(" }").startswith("^"):
            yield Finding("function-power", printed[start : end + 8])


def _applications(printed: str) -> Iterator[tuple[int, int]]:
    """Start and end of each function application: a name, then its argument in brackets, plain
    (``\\log(u)``), stretched (``\\log\\mathopen{}\\left(...\\right)``) or as SymPy writes them (``\\log{\\left(u \\right)}``)."""
    for match in _APPLICATION.finditer(printed):
        depth = 0
        for index in range(match.end() - 1, len(printed)):
            depth += {"(": 1, ")": -1}.get(printed[index], 0)
            if depth == 0:
                sympy_group = match.group().endswith(r"{\left(") and printed.startswith("}", index + 1)
                yield match.start(), index + 1 + sympy_group
                break


_APPLICATION = re.compile(
    r"(?:\\(?:log|ln|sin|cos|tan|cot|sec|csc|sinh|cosh|tanh)\b(?:\^\{[^{}]*\})?\s*|\\operatorname\{[^{}]*\}\s*|\\sigma)"
    r"(?:\{?\\left|\\mathopen\{\}\\left)?\("
)
"""A function's name and the bracket that opens its argument; ``\\sigma`` (also a standard deviation) only
with the bracket right after it."""


def function_bracket_gaps(printed: str) -> Iterator[Finding]:
    """``\\sin{\\left(x \\right)}`` or ``\\operatorname{Var}\\left(``: a bare ``\\left(`` is an inner formula to TeX,
    spaced off from the name before it (``sin (x)``). Plain brackets, or ``\\mathopen{}\\left(`` (``printing.applied``)."""
    for match in _BRACKET_GAP.finditer(printed):
        yield Finding("function-bracket gap", printed[match.start() : match.end() + 20])


_BRACKET_GAP = re.compile(
    r"(?:\\(?:log|ln|exp|sin|cos|tan|cot|sec|csc|sinh|cosh|tanh)\b(?:\^\{[^{}]*\})?\s*"
    r"|\\(?:operatorname|mathbb|mathcal)\{[^{}]*\}(?:\^\{[^{}]*\})?\s*|\\sigma(?:_\{[^{}]*\}|_\w)?)\{?\\left[(\[]"
)


def _matching_right(printed: str, start: int) -> int | None:
    """Index just past the ``\\right)`` that closes the ``\\left(`` at ``start``."""
    depth = 0
    for match in _DELIMITER.finditer(printed, start):
        depth += 1 if match.group(1) == "left" else -1
        if depth == 0:
            return match.end() + 1
    return None


def powers_of_powers(printed: str) -> Iterator[Finding]:
    """``((x^2 + 1)^2)^2``: a whole power of a bracketed whole power, which a hand writes as one power,
    ``(x^2 + 1)^4``. A substituted ``(\\sigma^2)^2`` has one bracket and is squared in the next step."""
    for match in re.finditer(r"\\left\(", printed):
        end = _matching_right(printed, match.start())
        outer = _WHOLE_EXPONENT.match(printed, end) if end is not None else None
        if outer is None:
            continue
        atoms = _atoms(printed[match.end() : end - len("\\right)")])
        if len(atoms) == 1 and atoms[0][0] == "atom":
            inner = atoms[0][1][len(_base(atoms[0][1])) :]
            if _WHOLE_EXPONENT.fullmatch(inner.strip()) and atoms[0][1].startswith("\\left"):
                yield Finding("power-of-power", printed[match.start() : outer.end()])


_WHOLE_EXPONENT = re.compile(r"\^(?:\d|\{\d+\})")


def glued_coefficients(printed: str) -> Iterator[Finding]:
    """A number glued to a fraction (``2 \\frac{x}{x^2+1}``), which reads like a mixed number."""
    for match in _GLUED.finditer(printed):
        yield Finding("glued-coefficient", printed[max(0, match.start() - 10) : match.end() + 20])


def big_before_minus(printed: str) -> Iterator[Finding]:
    """``\\big(`` is an ordinary atom to TeX, so a minus after it is spaced as a binary minus."""
    for match in _BIG_MINUS.finditer(printed):
        yield Finding("big-minus", printed[match.start() : match.end() + 20])


def double_negatives(printed: str) -> Iterator[Finding]:
    """``c - (-c)``: a negative number or term subtracted, which a hand works out first (``2c``)."""
    for match in _DOUBLE_NEGATIVE.finditer(printed):
        yield Finding("double-negative", printed[max(0, match.start() - 10) : match.end() + 10])


_DOUBLE_NEGATIVE = re.compile(r"-\s*(?:\\mathopen\{\}\s*)?(?:\\left)?\(\s*-[^()+\-=&,]*?(?:\\right)?\)(?!\s*(?:\^|M_\{|=))")
"""Not before a power, nor before a minor: a determinant's expansion writes - (-4) M_{12}, each entry as it stands beside
the sign of its place, before the two merge (``TimesMinor``), and the reason after it says -(-4) = 4."""


def plus_minus(printed: str) -> Iterator[Finding]:
    """``a + -b``: a term added with a leading minus, which a hand writes ``a - b``."""
    for match in _PLUS_MINUS.finditer(printed):
        yield Finding("plus-minus", printed[max(0, match.start() - 30) : match.end() + 20])


_PLUS_MINUS = re.compile(r"\+\s*-")


def bracket_after_function(printed: str) -> Iterator[Finding]:
    """A bracketed factor right after a function's argument, ``\\log(x^2 + 1)(3x - 1)``, reads as one argument.
    ``\\sigma(x)(1 - \\sigma(x))`` is the logistic derivative as every course writes it."""
    for start, end in _applications(printed):
        if _BRACKET_NEXT.match(printed, end) and not printed.startswith(r"\sigma", start):
            yield Finding("bracket-after-function", printed[max(start, end - 30) : end + 20])


_BRACKET_NEXT = re.compile(r"\s*(?:\\mathopen\{\})?(?:\\left)?\(")


# --- final answers --------------------------------------------------------------------------------


def unevaluated_results(family: Family, variant: Variant) -> Iterator[Finding]:
    """Arithmetic left undone in an answer or a chain's last step (``e^{1-1}``, ``\\log 1``, ``0 + 0``),
    and an auxiliary symbol never substituted (``S`` in ``\\frac{1}{S^2}[...]`` once S is a number)."""
    results = [getattr(variant.answer, name) for name in family.answer_key(variant.answer)]
    results += [chain.result for chain in find_all(variant.answer, Chain)]
    for result in find_all(results, sympy.Basic):
        for node in sympy.preorder_traversal(result):
            if _undone(node):
                yield Finding("unevaluated", tex(node))
    for chain in find_all(variant.answer, Chain):
        exact = [step.expr for step in chain.steps if not step.expr.has(sympy.Float)]
        if len(exact) < 2 or _symbols(chain.result):
            continue
        left = _symbols(exact[-1]) - _symbols(chain.steps[0].expr)
        if left:
            yield Finding("auxiliary-symbol", f"{', '.join(sorted(map(str, left)))} in {tex(exact[-1])}")


def _undone(node: sympy.Basic) -> bool:
    if not isinstance(node, (sympy.Add, sympy.Mul, sympy.Pow, sympy.Function)) or isinstance(node, sympy.MatrixExpr):
        return False
    if not node.args or not all(getattr(arg, "is_number", False) for arg in node.args):
        return False
    if node.is_Add and set(sympy.Add.make_args(sympy.Add(*node.args))) == set(node.args):
        return False  # a sum written in its own order (-5/e - e, as the terms were put in) has nothing left to add
    try:
        return node.func(*node.args) != node
    except (TypeError, ValueError):
        return False


def _symbols(expr: sympy.Basic) -> set[sympy.Symbol]:
    return {s for s in getattr(expr, "free_symbols", set()) if isinstance(s, sympy.Symbol)}


# --- whole variants -------------------------------------------------------------------------------


def repeats_in_part(variant: Variant) -> Iterator[Finding]:
    """Two items of one part with the same structure up to constants, or two pmfs that are permutations."""
    for value in _fields(variant.params):
        if not isinstance(value, tuple) or len(value) < 2:
            continue
        if all(_is_pmf(item) for item in value):
            keys = [tuple(sorted(item)) for item in value]
            what = "pmfs that are permutations of each other"
        elif all(isinstance(item, (sympy.Expr, tuple)) and _symbols_in(item) for item in value):
            keys = [_structure(item) for item in value]
            if all(isinstance(key, str) for key in keys):
                continue  # parameters such as an interval's ends (-a, a), not functions with a structure
            what = "items with the same structure up to constants"
        else:
            continue
        for i, key in enumerate(keys):
            if key in keys[:i]:
                yield Finding("repeat-in-part", f"{what}: {jsonable(value[keys.index(key)])} and {jsonable(value[i])}")


def shared_parts(variant: Variant) -> Iterator[Finding]:
    """Two functions of one variable in one part that share a product, quotient or composition (``compound_parts``):
    its derivative would be worked twice in one solution (``sin(e^x sin x)`` and ``e^x sin x / (cos x + 2)``).
    Functions of several variables are left out: the norms of the gradient family are shared by design."""
    for value in _fields(variant.params):
        if not isinstance(value, tuple) or len(value) < 2:
            continue
        if not all(isinstance(item, sympy.Expr) and not item.is_Matrix and len(item.free_symbols) == 1 for item in value):
            continue
        parts = [compound_parts(item) for item in value]
        for i, j in itertools.combinations(range(len(value)), 2):
            for part in sorted(parts[i] & parts[j], key=sympy.default_sort_key)[:1]:
                yield Finding("shared-part", f"{jsonable(part)} in {jsonable(value[i])} and {jsonable(value[j])}")


def _fields(params: Any) -> list[Any]:
    if hasattr(params, "__dataclass_fields__"):
        return [getattr(params, name) for name in params.__dataclass_fields__]
    return []


def _is_pmf(item: Any) -> bool:
    return (
        isinstance(item, tuple)
        and len(item) > 1
        and all(isinstance(p, sympy.Rational) and 0 < p <= 1 for p in item)
        and sum(item) == 1
    )


def _symbols_in(item: Any) -> bool:
    return any(getattr(expr, "free_symbols", None) for expr in find_all(item, sympy.Basic))


def _structure(item: Any) -> Any:
    """An expression (or tuple of them) with every number forgotten: ``x cos x/(2x^2+1)`` is ``x cos x/(x^2+1)``."""
    if isinstance(item, tuple):
        return tuple(_structure(part) for part in item)
    if isinstance(item, sympy.MatrixBase):
        return tuple(_structure(entry) for entry in item)
    return structure(item) if isinstance(item, sympy.Basic) else "c"


def canonical_repeat(family: Family, variant: Variant) -> Iterator[Finding]:
    """A random seed that reproduces a canonical instance, or one of its functions or fields, which
    students may have seen solved."""
    if variant.seed is None:
        return
    inputs = jsonable(variant.params)
    items = set(_symbolic_items(variant.params))
    for name, params in family.canonical.items():
        if jsonable(params) == inputs:
            yield Finding("canonical-repeat", f"seed {variant.seed} draws the canonical instance {name}")
        for item in items.intersection(_symbolic_items(params)):
            yield Finding("canonical-repeat", f"seed {variant.seed} asks {jsonable(item)} of the canonical instance {name}")


def _symbolic_items(params: Any) -> Iterator[Any]:
    """The functions (fields, expressions in letters) a part lists, each of which is one exercise."""
    for value in _fields(params):
        if isinstance(value, tuple):
            yield from (item for item in value if isinstance(item, sympy.Basic) and not item.is_Atom and _symbols_in(item))


def zero_shares(family: Family, variant: Variant) -> Iterator[Finding]:
    """Matrices (and lists of three or more partials) that are mostly 0 test nothing; canonical instances are exempt.

    An answer whose zeros are the lesson says so: ``meaningful_zeros`` (an attribute or property of the
    Answer) names the answer-key fields it allows them in for this variant (an off ReLU unit passes no
    gradient, so its row of dL/dW is 0)."""
    if variant.seed is None:
        return
    meaningful = set(getattr(variant.answer, "meaningful_zeros", ()))
    for name in (name for name in family.answer_key(variant.answer) if name not in meaningful):
        for entries in _entry_lists(getattr(variant.answer, name)):
            zeros = sum(1 for entry in entries if entry == 0)
            if len(entries) >= 3 and sympy.Rational(zeros, len(entries)) > MAX_ZERO_SHARE:
                yield Finding("zero-share", f"{name}: {zeros} of {len(entries)} entries are 0")


def _entry_lists(value: Any) -> Iterator[list[sympy.Basic]]:
    if isinstance(value, sympy.MatrixBase):
        yield list(value)
    elif isinstance(value, tuple) and value and all(isinstance(v, sympy.Expr) for v in value):
        yield list(value)
    elif isinstance(value, tuple):
        for item in value:
            yield from _entry_lists(item)


def long_lines(family: Family, variant: Variant) -> Iterator[Finding]:
    """A worked step or answer too wide for a line of the page (and an exam answer)."""
    for chain in find_all(variant.answer, Chain):
        for step in chain.steps:
            expr = step.expr
            if isinstance(expr, sympy.MatrixBase):
                width = matrix_width(expr)
            elif isinstance(expr, sympy.Expr):
                width = printed_width(expr)
            else:
                continue
            if width > MAX_STEP_WIDTH:
                yield Finding("long-line", f"{width} characters: {tex(expr)[:80]}")


def reorder_only_steps(variant: Variant) -> Iterator[Finding]:
    """A step that shows the same terms and factors as the step before, only in another order."""
    for chain in find_all(variant.answer, Chain):
        for before, after in zip(chain.steps, chain.steps[1:]):
            if _written(before.expr) or _written(after.expr):
                continue
            if _unordered(before.expr) == _unordered(after.expr):
                yield Finding("reorder-only", f"{tex(before.expr)} = {tex(after.expr)}")


def _written(expr: Any) -> bool:
    """A matrix that prints the expression it came from (``generator.kit.linalg.WrittenMatrix``), not its entries."""
    return isinstance(expr, sympy.MatrixBase) and type(expr) is not sympy.ImmutableMatrix


def _unordered(expr: Any) -> Any:
    if not isinstance(expr, sympy.Basic) or expr.is_Atom:
        return repr(expr)
    if isinstance(expr, (sympy.Add, sympy.Mul)) and expr.is_commutative:
        kind = sympy.Add if isinstance(expr, sympy.Add) else sympy.Mul
        operands = list(flattened(expr, kind))
        return (kind.__name__, tuple(sorted(repr(_unordered(arg)) for arg in operands)))
    return (type(expr).__name__, tuple(_unordered(arg) for arg in expr.args))


def vague_reasons(variant: Variant) -> Iterator[Finding]:
    """A step reason such as "simplify" that does not say what the step did; and a pair of equals joined by a
    hyphen ("matrix-vector product") where the text beside it writes the en dash ("matrix--vector")."""
    for chain in find_all(variant.answer, Chain):
        for step in chain.steps:
            if step.why.strip().lower() in VAGUE_REASONS:
                yield Finding("vague-reason", f'"{step.why}" for {tex(step.expr)[:60]}')
            if _HYPHENATED_PAIR.search(step.why):
                yield Finding("hyphenated-pair", f'"{step.why}"')


_HYPHENATED_PAIR = re.compile(r"\b(?:matrix|vector|row|column)-(?:matrix|vector|row|column)\b")


def uncollected_terms(variant: Variant) -> Iterator[Finding]:
    """A worked result (the last step of a chain that tidies) that a hand would still collect: like terms
    (two terms equal up to a number, once multiplied out), terms of one function (``x \\cos x + 3 \\cos x``),
    or a bracketed sum standing in some terms of a sum but not all (``x (\\cos x + 2) \\cos x + (\\cos x + 2) \\sin x``),
    which is half multiplied out."""
    for chain in find_all(variant.answer, Chain):
        result = chain.result
        if len(chain.steps) < 2 or not isinstance(result, sympy.Expr) or isinstance(result, sympy.MatrixBase) or result.has(sympy.Float):
            continue
        for total in _sums_outside_functions(result):
            if uncollected(total):
                yield Finding("uncollected", f"{tex(total)[:80]} in {tex(result)[:60]}")
            elif _half_expanded(total) or _product_in_polynomial(total):
                yield Finding("half-expanded", tex(total)[:80])


def _sums_outside_functions(expr: sympy.Expr) -> Iterator[sympy.Expr]:
    if expr.is_Add:
        yield expr
    if expr.is_Add or expr.is_Mul or expr.is_Pow:
        for arg in expr.args:
            yield from _sums_outside_functions(arg)


def _half_expanded(total: sympy.Expr) -> bool:
    """A bracketed sum that is a factor of two or more terms of ``total``, not all."""
    counts: dict[sympy.Expr, int] = {}
    for term in total.args:
        for factor in set(sympy.Mul.make_args(term)):
            if factor.is_Add:
                counts[factor] = counts.get(factor, 0) + 1
    return any(2 <= count < len(total.args) for count in counts.values())


def _product_in_polynomial(total: sympy.Expr) -> bool:
    """A polynomial sum with a letter times a bracketed sum as one of its terms (``x (3 - x) + 3``), where a hand
    writes the polynomial (``-x^2 + 3x + 3``); a number before a bracket (``-(x - 3)^2``, a Gaussian's log) is kept."""
    return total.is_polynomial() and any(_letter_times_sum(term) for term in total.args)


def _letter_times_sum(term: sympy.Expr) -> bool:
    if not term.is_Mul:
        return False
    sums = [factor for factor in term.args if factor.as_base_exp()[0].is_Add and factor.free_symbols]  # not x (1 + e)
    return bool(sums) and any(factor.free_symbols for factor in term.args if factor not in sums)


def quotes_as_written(variant: Variant) -> Iterator[Finding]:
    """A reason that quotes a sum (``factor $e^x$ out of $(x e^x + e^x)$``) the line before and the line itself
    print otherwise (``(e^x + x e^x)``): a reader looks for what the reason names and does not find it."""
    for chain in find_all(variant.answer, Chain):
        for before, step in zip(chain.steps, chain.steps[1:]):
            if not isinstance(before.expr, sympy.Basic):
                continue
            page = tex(before.expr) + tex(step.expr)
            for quoted in re.findall(r"\$([^$]*)\$", step.why):
                if "=" in quoted:  # a value or a rule stated ($\cos \pi = -1$, $x = -1$), not a sum quoted from the line
                    continue
                core = _unbracketed(quoted.strip().removeprefix("-").strip())
                if any(item == ("op", "+") or item == ("op", "-") for item in _atoms(core)[1:]) and core not in page:
                    yield Finding("quote-as-written", f'"{step.why}" after {tex(before.expr)[:60]}')


def _unbracketed(latex: str) -> str:
    """``latex`` without brackets around all of it, ``\\left( ... \\right)`` or plain (``-(2x - 1)`` names ``2x - 1``)."""
    if latex.startswith("\\left(") and _matching_right(latex, 0) == len(latex):
        return latex[len("\\left(") : -len("\\right)")].strip()
    if latex.startswith("(") and latex.endswith(")") and "(" not in latex[1:-1] and ")" not in latex[1:-1]:
        return latex[1:-1].strip()
    return latex


def sums_from_the_table(variant: Variant) -> Iterator[Finding]:
    """A named part that is a sum of table entries (``e^x + 1``) worked by the "sum rule", where the same
    solution reads ``x^2 + 3`` off the "table of derivatives": one rule for every such sum."""
    for piece in find_all(variant.answer, Piece):
        first = piece.derivative.steps[0].why
        symbols = piece.expr.free_symbols
        if first == SUM and piece.expr.is_Add and len(symbols) == 1 and all(_tabulated(term, *symbols) for term in piece.expr.args):
            yield Finding("sum-of-table", f"sum rule for {tex(piece.expr)}")


def _tabulated(term: sympy.Expr, x: sympy.Symbol) -> bool:
    rest = term.as_coeff_Mul()[1]
    return rest.is_polynomial(x) or rest in (sympy.exp(x), sympy.log(x), sympy.sin(x), sympy.cos(x))


_NAMING = re.compile(r"\\(?:short)?intertext\{For \$(.+?)\$(?:, let (.*?)|, with (.*?) as above)?:\}")
_PIECE_NAME = re.compile(r"\$([a-z](?:_\{?\d+\}?)?)(?: = |\$)")
"""A part the line names (``$u = ...$``) or recalls (``$u$ as above``)."""


def header_scopes(solution: str) -> Iterator[Finding]:
    """A line "For $\\partial f_1/\\partial x$, let $u = ...$:" (or "For $\\partial f_1/\\partial y$:") above the rows of
    another partial: it is written for one partial, and a row it does not cover needs a line of its own."""
    for match in _NAMING.finditer(solution):
        lhs, names = match.group(1), _PIECE_NAME.findall(match.group(2) or match.group(3) or "")
        rest = solution[match.end() :]
        block = re.split(r"\\(?:short)?intertext|\\end\{align\*\}|\\noalign", rest, maxsplit=1)[0]
        for row in re.split(r"\\\\\*?", block):  # a row end where no page may break is \\* (pipeline.breaks)
            left = row.split("&=")[0].strip() if "&=" in row else ""
            named = any(left.startswith(f"\\frac{{\\partial {name}}}") for name in names)
            if left and left != lhs and not named:
                yield Finding("header-scope", f"{left[:40]} under the line for {lhs[:40]}")
                break


# --- the typeset page -------------------------------------------------------------------------------

_OVERFULL = re.compile(
    r"Overfull \\hbox \((\d+(?:\.\d+)?)pt too wide\) (?:in (?:paragraph|alignment) at lines (\d+)--\d+|detected at line (\d+))"
)


def overfull_boxes(log: str) -> Iterator[tuple[int, Finding]]:
    """Lines pdflatex set wider than the text by more than 1 pt (its log's ``Overfull \\hbox``: a paragraph's line, an
    alignment's row as the sheet's one-pass ``align*`` reports it, amsmath's own), each with the source line it names."""
    for match in _OVERFULL.finditer(log):
        if float(match.group(1)) > MAX_OVERFULL_PT:
            line = int(match.group(2) or match.group(3))
            yield line, Finding("overfull", f"{match.group(1)} pt too wide (source line {line})")


def _expressions(variant: Variant) -> Iterator[sympy.Basic]:
    yield from find_all(variant.params, sympy.Basic)
    yield from find_all(variant.answer, sympy.Basic)
