"""GitHub Actions expressions, as far as the generated workflows use them, evaluated the way GitHub
documents ("Evaluate expressions in workflows and actions"): literals, context paths, ``!``,
``==``/``!=`` with loose equality (strings compared ignoring case; otherwise both sides coerced
to numbers, null and '' being 0), and ``&&``/``||`` returning an operand. A missing property is
null. Functions (``success()`` and the like) are not evaluated: a condition with one fails loudly.
"""
import math
import re

TOKEN = re.compile(r"\s*(?:(?P<string>'(?:[^']|'')*')|(?P<number>\d+(?:\.\d+)?)"
                   r"|(?P<operator>==|!=|&&|\|\||!|\(|\))|(?P<path>[A-Za-z_][\w.-]*))")
LITERALS = {"true": True, "false": False, "null": None}


def tokens(text):
    text = text.strip()
    if text.startswith("${{") and text.endswith("}}"):
        text = text[3:-2]
    position, found = 0, []
    while text[position:].strip():
        match = TOKEN.match(text, position)
        if match is None:
            raise ValueError(f"cannot read {text[position:]!r} in {text!r}")
        kind = match.lastgroup
        found.append((kind, match.group(kind)))
        position = match.end()
    return found


def as_number(value):
    if value is None:
        return 0.0
    if isinstance(value, bool):
        return float(value)
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value.strip() or 0)
        except ValueError:
            return math.nan
    return math.nan


def equal(left, right):
    if isinstance(left, str) and isinstance(right, str):
        return left.casefold() == right.casefold()
    if type(left) is type(right) and not isinstance(left, (dict, list)):
        return left == right
    return as_number(left) == as_number(right)


def truthy(value):
    return value not in (False, 0, "", None) and not (isinstance(value, float)
                                                      and math.isnan(value))


def lookup(context, path):
    value = context
    for key in path.split("."):
        value = value.get(key) if isinstance(value, dict) else None
    return value


def evaluate(text, context):
    """The value of expression ``text`` (with or without ``${{ }}``) in ``context``."""
    items = tokens(text)
    position = 0

    def peek():
        return items[position][1] if position < len(items) else None

    def take():
        nonlocal position
        position += 1
        return items[position - 1]

    def chain(operator, operand_of):
        """A left-to-right run of ``operator`` (``||`` or ``&&``) between ``operand_of``'s
        values. Each returns an operand, as GitHub's do: ``a || b`` is ``a`` when ``a`` is
        truthy, else ``b``; ``a && b`` is ``b`` when ``a`` is truthy, else ``a``."""
        value = operand_of()
        while peek() == operator:
            take()
            right = operand_of()
            keeps_left = truthy(value) == (operator == "||")
            value = value if keeps_left else right
        return value

    def either():
        return chain("||", both)

    def both():
        return chain("&&", negation)

    def negation():
        if peek() == "!":
            take()
            return not truthy(negation())
        return comparison()

    def comparison():
        value = operand()
        if peek() in ("==", "!="):
            operator = take()[1]
            same = equal(value, operand())
            return same if operator == "==" else not same
        return value

    def operand():
        kind, token = take()
        if token == "(":
            value = either()
            if take()[1] != ")":
                raise ValueError(f"unbalanced parentheses in {text!r}")
            return value
        if kind == "string":
            return token[1:-1].replace("''", "'")
        if kind == "number":
            return float(token)
        if kind == "path" and peek() != "(":
            return LITERALS[token] if token in LITERALS else lookup(context, token)
        raise ValueError(f"not evaluated here: {token!r} in {text!r}")

    value = either()
    if position != len(items):
        raise ValueError(f"cannot read past {items[position][1]!r} in {text!r}")
    return value
