"""Loading and validating plugin.spec.yaml: every problem at once, with its path and line."""

from __future__ import annotations

import hashlib
import shutil
import textwrap
from pathlib import Path

import pytest

from actionkit.spec import Problem, SpecError, load_spec, parse_spec

SPECS = Path(__file__).resolve().parent / "specs"

BASE = (SPECS / "base.yaml").read_text(encoding="utf-8")  # the required top-level keys


def spec_text(*parts: str) -> str:
    return "".join(textwrap.dedent(part) for part in parts) + BASE


def problems(*parts: str) -> list[str]:
    with pytest.raises(SpecError) as caught:
        parse_spec(spec_text(*parts))
    return str(caught.value).splitlines()


def one_input(keys: str) -> str:
    """An action whose one input property ``value`` has title V, description V and ``keys``
    (flow YAML, on line 6)."""
    return one_input_property(f"{{title: V, description: V, {keys}}}")


def one_input_property(prop: str) -> str:
    """An action whose one input property ``value`` is ``prop`` (on line 6)."""
    return f"""\
    actions:
      hello:
        title: Hello
        description: Say hello
        input:
          value: {prop}
    """


def test_every_mistake_is_reported_at_once_with_path_and_line():
    with pytest.raises(SpecError) as caught:
        load_spec(SPECS / "mistakes.yaml")
    assert str(caught.value).splitlines() == [
        "mistakes.yaml:9: support: must be one of 'rapid7', 'community', 'partner'; got 'comunity'",
        "mistakes.yaml:12: hub_tags: missing required key 'features'",
        "mistakes.yaml:14: homepage: unknown key 'homepage'",
        "mistakes.yaml:21: types.incident.incident_number.type: 'integar' is not a known type "
        "(did you mean 'integer'?)",
        "mistakes.yaml:25: types.incident.tags.type: 'array' is not a known type: say what the list holds, "
        "e.g. '[]string' or '[]object'",
        "mistakes.yaml:30: types.incident.matrix.example[1][1]: expected a string, got 1",
        "mistakes.yaml:38: connection.api_key.example.secretKey: expected a string, got 5",
        "mistakes.yaml:46: actions.hello.input.count: missing required key 'description'",
        "mistakes.yaml:46: actions.hello.input.count.default: expected an integer, got '3'",
        "mistakes.yaml:47: actions.hello.input.name: duplicate key 'name' (first defined on line 45)",
        "mistakes.yaml:48: actions.hello.input.mood.default: must be one of 'happy', 'sad', 'happy', 3; "
        "got 'angry'",
        "mistakes.yaml:48: actions.hello.input.mood.enum[2]: duplicate enum value 'happy'",
        "mistakes.yaml:48: actions.hello.input.mood.enum[3]: expected a string, got 3",
        "mistakes.yaml:49: actions.hello.input.ids.exmaple: unknown key 'exmaple' (did you mean 'example'?)",
        "mistakes.yaml:49: actions.hello.input.ids.type: '[] integer' is not a known type "
        "(no spaces inside a type: did you mean '[]integer'?)",
        "mistakes.yaml:50: actions.hello.input.incidents.type: '[]incidnet' is not a known type "
        "(did you mean '[]incident'?)",
        "mistakes.yaml:52: actions.hello.output.message.type: '[]array' is not a known type: say what the "
        "list holds, e.g. '[]string' or '[]object'",
    ]


def test_problems_carry_path_line_and_message():
    with pytest.raises(SpecError) as caught:
        load_spec(SPECS / "mistakes.yaml")
    assert caught.value.problems[0] == Problem(
        "support", 9, "must be one of 'rapid7', 'community', 'partner'; got 'comunity'"
    )
    assert len(caught.value.problems) == 17


def test_valid_spec_gives_ordered_sections_text_and_sha256(tmp_path):
    path = tmp_path / "plugin.spec.yaml"
    shutil.copy(SPECS / "full.yaml", path)
    spec = load_spec(path)
    assert (spec.name, spec.title, spec.version, spec.vendor) == ("widget", "Widget", "2.1.0", "acme")
    assert spec.package == "icon_widget"
    assert list(spec.connection) == ["credentials", "base_url", "timeout"]
    assert list(spec.types) == ["location", "finding", "node"]
    assert list(spec.actions) == ["create_widget", "ping"]
    assert list(spec.triggers) == ["new_finding"]
    assert list(spec.tasks) == ["monitor_findings"]
    assert [c.name for c in spec.components()] == ["create_widget", "ping", "new_finding", "monitor_findings"]
    assert spec.text == path.read_text(encoding="utf-8")
    assert spec.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()


def test_properties_and_components_expose_spec_values():
    spec = load_spec(SPECS / "full.yaml")
    timeout = spec.connection["timeout"]
    assert (timeout.name, timeout.order, timeout.type, timeout.default, timeout.required) == (
        "timeout", 3, "integer", 30, False
    )
    action = spec.actions["create_widget"]
    assert (action.kind, action.class_name, action.help) == (
        "action", "CreateWidget", "Widgets are created in the default folder."
    )
    assert list(action.properties("output")) == ["widget_id", "finding", "created"]
    assert spec.tasks["monitor_findings"].schedule["default"] == "*/5 * * * *"


LIST_HINT = "say what the list holds, e.g. '[]string' or '[]object'"
BUILT_INS = (
    "built-in types: string, integer, int, number, float, boolean, bool, object, date, bytes, password, "
    "python, file, credential_secret_key, credential_username_password, credential_token, "
    "credential_asymmetric_key; '[]T' is a list of T"
)


@pytest.mark.parametrize(
    ("spec_type", "message"),
    [
        ("integar", "'integar' is not a known type (did you mean 'integer'?)"),
        ("String", "'String' is not a known type (did you mean 'string'?)"),
        ("array", f"'array' is not a known type: {LIST_HINT}"),
        ("'[]array'", f"'[]array' is not a known type: {LIST_HINT}"),
        (
            "'[] string'",
            "'[] string' is not a known type (no spaces inside a type: did you mean '[]string'?)",
        ),
        ("'[][]strng'", "'[][]strng' is not a known type (did you mean '[][]string'?)"),
        ("'[]'", f"'[]' is not a known type ({BUILT_INS})"),
        ("incident", f"'incident' is not a known type ({BUILT_INS})"),
    ],
    ids=["typo", "case", "bare-array", "array-list", "space", "nested-typo", "empty-list", "unknown-custom"],
)
def test_unknown_type_is_named_with_the_nearest_valid_one(spec_type, message):
    assert problems(one_input(f"type: {spec_type}")) == [
        f"plugin.spec.yaml:6: actions.hello.input.value.type: {message}"
    ]


@pytest.mark.parametrize(
    "spec_type",
    ["'[][]string'", "'[][][]integer'", "'[][]file'", "'[]credential_token'", "int", "float", "bool"],
    ids=["nested", "three-deep", "nested-file", "credential-list", "int", "float", "bool"],
)
def test_valid_types_pass(spec_type):
    spec = parse_spec(spec_text(one_input(f"type: {spec_type}")))
    assert spec.actions["hello"].properties("input")["value"].type == spec_type.strip("'")


def test_unknown_custom_type_suggests_the_declared_one():
    extra = """\
    types:
      incident:
        id: {title: ID, description: ID, type: string}
    connection:
      current: {title: Current, description: Current incident, type: incidnt}
    """
    assert problems(extra) == [
        "plugin.spec.yaml:5: connection.current.type: 'incidnt' is not a known type "
        "(did you mean 'incident'?)"
    ]


@pytest.mark.parametrize(
    ("keys", "expected"),
    [
        ("type: string, enum: low", ["value.enum: expected a list, got 'low'"]),
        ("type: string, enum: []", ["value.enum: must not be empty"]),
        ("type: string, enum: [a, b, a]", ["value.enum[2]: duplicate enum value 'a'"]),
        (
            "type: integer, enum: [1, two, 3.5]",
            ["value.enum[1]: expected an integer, got 'two'", "value.enum[2]: expected an integer, got 3.5"],
        ),
        ("type: string, enum: [a, b], default: c", ["value.default: must be one of 'a', 'b'; got 'c'"]),
        ("type: string, enum: [a, b], example: c", ["value.example: must be one of 'a', 'b'; got 'c'"]),
        (
            "type: string, enum: [yes, no]",
            ["value.enum[0]: expected a string, got true", "value.enum[1]: expected a string, got false"],
        ),
    ],
    ids=[
        "not-a-list",
        "empty",
        "duplicates",
        "wrong-type",
        "default-not-in-enum",
        "example-not-in-enum",
        "yaml-booleans",
    ],
)
def test_bad_enum_is_reported(keys, expected):
    assert problems(one_input(keys)) == [f"plugin.spec.yaml:6: actions.hello.input.{e}" for e in expected]


@pytest.mark.parametrize(
    ("keys", "expected"),
    [
        ("type: integer, example: '7'", "value.example: expected an integer, got '7'"),
        ("type: integer, default: 1.5", "value.default: expected an integer, got 1.5"),
        ("type: boolean, default: null", "value.default: expected true or false, got null"),
        ("type: '[]string', example: a", "value.example: expected a list, got 'a'"),
        ("type: '[][]int', example: [[1], 2]", "value.example[1]: expected a list, got 2"),
        ("type: credential_token, example: {domain: d}", "value.example: missing required key 'token'"),
        ("type: file, example: {filename: 3}", "value.example.filename: expected a string, got 3"),
        ("type: item, example: {name: n}", "value.example: missing required key 'id'"),
        ("type: '[]item', example: [{id: 1}]", "value.example[0].id: expected a string, got 1"),
        ("type: holder, example: {item: {id: []}}", "value.example.item.id: expected a string, got []"),
    ],
    ids=[
        "integer",
        "default-float",
        "null-default",
        "list",
        "nested-list",
        "credential",
        "file",
        "custom-required",
        "custom-list",
        "custom-nested",
    ],
)
def test_example_and_default_must_validate_against_their_type(keys, expected):
    extra = """\
    types:
      item:
        id: {title: ID, description: ID, type: string, required: true}
      holder:
        item: {title: Item, description: Item, type: item}
    """
    lines = problems(extra, one_input(keys))
    assert lines == [f"plugin.spec.yaml:11: actions.hello.input.{expected}"]


@pytest.mark.parametrize(
    ("prop", "expected"),
    [
        ("{title: V, type: string}", "value: missing required key 'description'"),
        ("{description: V, type: string}", "value: missing required key 'title'"),
        ("{title: V, description: V}", "value: missing required key 'type'"),
        (
            "{title: V, description: V, type: string, requird: true}",
            "value.requird: unknown key 'requird' (did you mean 'required'?)",
        ),
        (
            "{title: V, description: V, type: string, required: 'yes'}",
            "value.required: expected true or false, got 'yes'",
        ),
        ("{title: '', description: V, type: string}", "value.title: must not be empty"),
        (
            "{title: V, description: V, type: string, order: 2}",
            "value.order: 2 is not the position of 'value' in its section (1); the order comes from the YAML "
            "position: remove 'order' or move the property",
        ),
        ("a string", "value: expected a mapping, got 'a string'"),
    ],
    ids=[
        "no-description",
        "no-title",
        "no-type",
        "unknown-key",
        "required-not-bool",
        "empty-title",
        "wrong-order",
        "not-a-mapping",
    ],
)
def test_property_shape_is_checked(prop, expected):
    assert problems(one_input_property(prop)) == [f"plugin.spec.yaml:6: actions.hello.input.{expected}"]


def test_missing_and_wrong_top_level_keys_are_reported():
    text = "plugin_spec_version: v1\nextension: plugin\nproducts: [komand]\nname: Hello\nversion: '1.0'\n"
    with pytest.raises(SpecError) as caught:
        parse_spec(text)
    assert str(caught.value).splitlines() == [
        "plugin.spec.yaml:1: missing required key 'description'",
        "plugin.spec.yaml:1: missing required key 'hub_tags'",
        "plugin.spec.yaml:1: missing required key 'resources'",
        "plugin.spec.yaml:1: missing required key 'status'",
        "plugin.spec.yaml:1: missing required key 'support'",
        "plugin.spec.yaml:1: missing required key 'tags'",
        "plugin.spec.yaml:1: missing required key 'title'",
        "plugin.spec.yaml:1: missing required key 'vendor'",
        "plugin.spec.yaml:1: plugin_spec_version: must be 'v2'; got 'v1'",
        "plugin.spec.yaml:3: products: must contain 'insightconnect'",
        "plugin.spec.yaml:4: name: 'Hello' is not lower_snake_case (lowercase letters, digits and "
        "underscores, starting with a letter)",
        "plugin.spec.yaml:5: version: '1.0' is not a semantic version such as '1.2.3'",
    ]


def test_unknown_top_level_key_suggests_the_nearest():
    assert problems("action:\n  hello: {}\n") == [
        "plugin.spec.yaml:1: action: unknown key 'action' (did you mean 'actions'?)"
    ]


def test_component_needs_title_and_description_and_a_python_name():
    extra = """\
    actions:
      Get-User:
        title: Get User
      get_user:
        description: Get a user
        titel: Get
    """
    assert problems(extra) == [
        "plugin.spec.yaml:2: actions.Get-User: 'Get-User' is not a valid action name: use lower_snake_case "
        "(lowercase letters, digits and underscores, starting with a letter; not a Python keyword)",
        "plugin.spec.yaml:2: actions.Get-User: missing required key 'description'",
        "plugin.spec.yaml:4: actions.get_user: missing required key 'title'",
        "plugin.spec.yaml:6: actions.get_user.titel: unknown key 'titel' (did you mean 'title'?)",
    ]


def test_custom_type_may_not_take_a_built_in_name():
    extra = "types:\n  string:\n    x: {title: X, description: X, type: string}\n"
    assert problems(extra) == [
        "plugin.spec.yaml:2: types.string: 'string' is a built-in type name: give the custom type another "
        "name"
    ]


def test_custom_type_containing_itself_through_required_fields_is_refused():
    extra = """\
    types:
      a:
        b: {title: B, description: B, type: b, required: true}
      b:
        a: {title: A, description: A, type: a, required: true}
      tree:
        children: {title: C, description: C, type: "[]tree", required: true}
        parent: {title: P, description: P, type: tree}
    """
    assert problems(extra) == [
        "plugin.spec.yaml:3: types.a.b: custom type 'a' contains itself through required fields "
        "(a -> b -> a); make one of them optional or a list"
    ]


def test_task_output_must_be_one_list():
    extra = """\
    tasks:
      poll:
        title: Poll
        description: Poll
        output:
          event: {title: Event, description: E, type: string}
      poll_more:
        title: Poll more
        description: Poll
        output:
          a: {title: A, description: A, type: "[]string"}
          b: {title: B, description: B, type: "[]string"}
    """
    assert problems(extra) == [
        "plugin.spec.yaml:6: tasks.poll.output.event.type: a task output must be a list such as '[]string'; "
        "got 'string'",
        "plugin.spec.yaml:10: tasks.poll_more.output: a task has exactly one output, a list of events "
        "(e.g. '[]event'); found 2",
    ]


def test_triggers_need_the_cache():
    extra = "enable_cache: false\ntriggers:\n  tick: {title: Tick, description: Tick}\n"
    assert problems(extra) == [
        "plugin.spec.yaml:1: enable_cache: must be true when the plugin has triggers (they keep their state "
        "in the cache)"
    ]


def test_version_history_starts_with_the_current_version():
    assert problems("version_history: ['0.9.0 - Beta']\n") == [
        "plugin.spec.yaml:1: version_history[0]: the newest entry '0.9.0 - Beta' is not about the current "
        "version '1.0.0'"
    ]


# -- extensions: aliases, resolve, list enums, numeric bounds, retired inputs -----------------------


def test_extensions_are_accepted_where_they_make_sense():
    spec = parse_spec(spec_text("""\
    connection:
      timeout: {title: T, description: T, type: number, exclusiveMinimum: 0, maximum: 300, default: 10}
    actions:
      hello:
        title: Hello
        description: Say hello
        retired_inputs: {urgency: PagerDuty sets the urgency from the service}
        input:
          service: {title: S, description: S, type: string, resolve: service, aliases: [service_id]}
          teams: {title: T, description: T, type: '[]string', resolve: team}
          statuses: {title: S, description: S, type: '[]string', enum: [open, closed], default: [open]}
    """))
    retired = spec.actions["hello"].raw["retired_inputs"]
    assert retired == {"urgency": "PagerDuty sets the urgency from the service"}


@pytest.mark.parametrize(
    ("keys", "expected"),
    [
        ("type: integer, resolve: user",
         "value.resolve: resolve needs a 'string' or '[]string' input, not 'integer'"),
        ("type: string, resolve: Users",
         "value.resolve: 'Users' is not lower_snake_case (lowercase letters, digits and underscores, "
         "starting with a letter)"),
        ("type: string, aliases: []", "value.aliases: must not be empty"),
        ("type: string, aliases: [value]", "value.aliases[0]: 'value' is the name of a property here"),
        ("type: string, minimum: 1", "value.minimum: minimum applies only to number and integer properties"),
        ("type: number, minimum: 5, maximum: 1", "value.maximum: 1 is less than the minimum 5"),
        ("type: number, maximum: 10, default: 11", "value.default: must be at most 10; got 11"),
        ("type: number, exclusiveMinimum: 0, example: 0", "value.example: must be more than 0; got 0"),
        ("type: '[]string', enum: [[a]]", "value.enum[0]: expected a string, got [\"a\"]"),
        ("type: '[]string', enum: [a, b], default: [a, c]",
         "value.default[1]: must be one of 'a', 'b'; got 'c'"),
    ],
    ids=["resolve-not-string", "resolve-not-a-name", "no-aliases", "alias-is-taken", "bound-not-number",
         "min-over-max", "default-over-max", "example-at-exclusive-min", "list-enum-holds-items",
         "list-default-item-not-in-enum"],
)
def test_bad_extensions_are_reported(keys, expected):
    assert problems(one_input(keys)) == [f"plugin.spec.yaml:6: actions.hello.input.{expected}"]


def test_aliases_and_resolve_belong_to_inputs():
    extra = """\
    connection:
      key: {title: K, description: K, type: string, resolve: user}
    types:
      thing:
        name: {title: N, description: N, type: string, aliases: [title]}
    """
    assert problems(extra) == [
        "plugin.spec.yaml:2: connection.key.resolve: resolve applies only to the inputs of actions, triggers "
        "and tasks",
        "plugin.spec.yaml:5: types.thing.name.aliases: aliases apply only to inputs and connection settings",
    ]


def test_a_retired_input_is_no_input_nor_alias():
    extra = """\
    actions:
      hello:
        title: Hello
        description: Say hello
        retired_inputs: {value: gone, old: gone too}
        input:
          value: {title: V, description: V, type: string, aliases: [old]}
    """
    assert problems(extra) == [
        "plugin.spec.yaml:5: actions.hello.retired_inputs.old: 'old' is an alias of an input: remove it from "
        "one of the two",
        "plugin.spec.yaml:5: actions.hello.retired_inputs.value: 'value' is a declared input: remove it from "
        "input or from retired_inputs",
    ]
