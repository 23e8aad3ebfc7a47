#!/usr/bin/env python3
# sarif-validate: check SARIF logs against SARIF 2.1.0 and GitHub's rules.
"""
usage: tests/sarif-validate.py [-h] FILE...

Validates each FILE ('-' is standard input) in two passes:

 1. against the official OASIS SARIF 2.1.0 JSON schema, kept beside this
    script in tests/data/sarif/sarif-schema-2.1.0.json (see the README
    there), with the draft its "$schema" names and with format checking
    ("uri", "uri-reference", and "date-time" where the installed
    jsonschema can check it);
 2. against what GitHub code scanning requires of an uploaded SARIF file
    and the schema does not enforce (GitHub's "SARIF support for code
    scanning" page), plus what tacit promises on top: an explicit
    result level, and locations that are relative paths.

Prints one line per problem, "FILE: path.to.item: message" (the path is
"(root)" for the whole document; GitHub-rule messages start "github:"),
to standard output.

Exit status: 0 every FILE is valid, 1 some FILE is not (a FILE that is
not UTF-8 JSON is not valid SARIF either), 2 usage or I/O error, or the
schema or python3-jsonschema is missing.  Errors outrank findings.
"""

import json
import math
import os
import re
import sys

PROG = "sarif-validate"
HERE = os.path.dirname(os.path.abspath(__file__))
SCHEMA = os.path.join(HERE, "data", "sarif", "sarif-schema-2.1.0.json")

LEVELS = ("none", "note", "warning", "error")
# GitHub accepts only these for a rule's defaultConfiguration.level.
DEFAULT_LEVELS = ("note", "warning", "error")
# GitHub's published limits; a file over the first four is rejected.
MAX_RUNS = 20
MAX_RESULTS = 25000
MAX_RULES = 25000
MAX_LOCATIONS = 1000
MAX_TAGS = 20
MAX_RULE_NAME = 255
MAX_DESCRIPTION = 1024

SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")
# RFC 3986 URI-reference, character level: used only when the installed
# jsonschema cannot check "uri"/"uri-reference" itself (no rfc3987).
URI_CHARS = re.compile(r"(?:[A-Za-z0-9\-._~!$&'()*+,;=:@/?#\[\]]"
                       r"|%[0-9A-Fa-f]{2})*")


class UsageError(Exception):
    pass


def fmt_path(parts):
    out = ""
    for p in parts:
        if isinstance(p, int):
            out += "[%d]" % p
        else:
            out += ("." if out else "") + str(p)
    return out or "(root)"


def shorten(text, limit=300):
    return text if len(text) <= limit else text[:limit - 3] + "..."


def load_jsonschema():
    try:
        import jsonschema
    except ImportError:
        raise UsageError("cannot import jsonschema: install python3-jsonschema"
                         " (apt-get install -y python3-jsonschema)")
    return jsonschema


def uri_reference_ok(value):
    if not isinstance(value, str):
        return True
    return (URI_CHARS.fullmatch(value) is not None and
            value.count("#") <= 1)


def uri_ok(value):
    if not isinstance(value, str):
        return True
    return SCHEME.match(value) is not None and uri_reference_ok(value)


def make_format_checker(jsonschema):
    # The generic checker knows every draft's formats: the schema says
    # draft-04, yet uses draft-06's "uri-reference" for artifact URIs.
    fc = jsonschema.FormatChecker()
    if "uri-reference" not in fc.checkers:
        fc.checks("uri-reference")(uri_reference_ok)
    if "uri" not in fc.checkers:
        fc.checks("uri")(uri_ok)
    return fc


def make_validator():
    jsonschema = load_jsonschema()
    try:
        with open(SCHEMA, encoding="utf-8") as f:
            schema = json.load(f)
    except OSError as e:
        raise UsageError("cannot open '%s': %s" % (SCHEMA, e.strerror or e))
    except ValueError as e:
        raise UsageError("cannot parse '%s': %s" % (SCHEMA, e))
    cls = jsonschema.validators.validator_for(
        schema, default=jsonschema.Draft7Validator)
    return cls(schema, format_checker=make_format_checker(jsonschema))


def reject_constant(name):
    raise ValueError("%s is not JSON" % name)


def unique_keys(pairs):
    obj = {}
    for k, v in pairs:
        if k in obj:
            raise ValueError("duplicate key '%s'" % k)
        obj[k] = v
    return obj


def read_document(name):
    """Return (document, None), or (None, why it is not JSON).

    Raises OSError when the file cannot be read."""
    if name == "-":
        data = sys.stdin.buffer.read()
    else:
        with open(name, "rb") as f:
            data = f.read()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        return None, "not UTF-8: %s" % e
    if text.startswith("\ufeff"):
        return None, "starts with a byte order mark"
    try:
        return json.loads(text, object_pairs_hook=unique_keys,
                          parse_constant=reject_constant), None
    except ValueError as e:
        return None, "not valid JSON: %s" % e


def schema_problems(validator, doc):
    out = []
    for err in validator.iter_errors(doc):
        msg = err.message
        if err.context:
            # anyOf/oneOf: the best branch says more than the repr of
            # the whole instance does.
            from jsonschema.exceptions import best_match
            best = best_match(err.context)
            msg = "%s (no alternative of '%s' matched)" % (best.message,
                                                           err.validator)
            where = list(best.absolute_path)
        else:
            where = list(err.absolute_path)
        out.append((where, shorten(msg)))
    return out


class GitHubCheck:
    """The GitHub code scanning rules that the schema does not enforce."""

    def __init__(self):
        self.problems = []

    def bad(self, path, msg):
        self.problems.append((list(path), "github: " + msg))

    def text(self, obj, key, path, what):
        """Require obj[key] to be a non-empty string: GitHub refuses ""."""
        v = obj.get(key) if isinstance(obj, dict) else None
        if not isinstance(v, str) or v == "":
            self.bad(path + [key], "%s must be a non-empty string" % what)
            return None
        return v

    def message_text(self, obj, key, path, what, limit=None):
        m = obj.get(key) if isinstance(obj, dict) else None
        if not isinstance(m, dict):
            self.bad(path + [key], "%s.text is required" % key)
            return
        v = self.text(m, "text", path + [key], what)
        if v is not None and limit is not None and len(v) > limit:
            self.bad(path + [key, "text"],
                     "%s is %d characters, GitHub's limit is %d"
                     % (what, len(v), limit))

    def log(self, doc):
        if not isinstance(doc, dict):
            return
        if "$schema" not in doc:
            self.bad([], "'$schema' is required")
        runs = doc.get("runs")
        if not isinstance(runs, list):
            self.bad(["runs"], "runs must be an array")
            return
        if len(runs) > MAX_RUNS:
            self.bad(["runs"], "%d runs, GitHub accepts at most %d"
                     % (len(runs), MAX_RUNS))
        for i, run in enumerate(runs):
            self.run(run, ["runs", i])

    def run(self, run, path):
        if not isinstance(run, dict):
            return
        driver = run.get("tool", {}).get("driver") \
            if isinstance(run.get("tool"), dict) else None
        dpath = path + ["tool", "driver"]
        if not isinstance(driver, dict):
            self.bad(dpath, "tool.driver is required")
            driver = {}
        else:
            self.text(driver, "name", dpath, "tool.driver.name")
        rules = self.rules(driver.get("rules"), dpath + ["rules"])
        results = run.get("results")
        if not isinstance(results, list):
            self.bad(path + ["results"], "results must be an array"
                     " (empty when nothing was found)")
            return
        if len(results) > MAX_RESULTS:
            self.bad(path + ["results"], "%d results, GitHub accepts at"
                     " most %d" % (len(results), MAX_RESULTS))
        ruleids = driver.get("rules") if isinstance(driver.get("rules"),
                                                    list) else []
        for i, res in enumerate(results):
            self.result(res, path + ["results", i], rules, ruleids)

    def rules(self, rules, path):
        """Check tool.driver.rules; return {id: index} of the usable ones."""
        ids = {}
        if not isinstance(rules, list):
            self.bad(path, "tool.driver.rules must be an array")
            return ids
        if len(rules) > MAX_RULES:
            self.bad(path, "%d rules, GitHub accepts at most %d"
                     % (len(rules), MAX_RULES))
        for i, rule in enumerate(rules):
            rpath = path + [i]
            if not isinstance(rule, dict):
                continue
            rid = self.text(rule, "id", rpath, "rule id")
            if rid is not None:
                if rid in ids:
                    self.bad(rpath + ["id"], "rule id '%s' repeats rules[%d]"
                             % (rid, ids[rid]))
                else:
                    ids[rid] = i
            name = rule.get("name")
            if isinstance(name, str) and len(name) > MAX_RULE_NAME:
                self.bad(rpath + ["name"], "rule name is %d characters,"
                         " GitHub's limit is %d" % (len(name), MAX_RULE_NAME))
            self.message_text(rule, "shortDescription", rpath,
                              "shortDescription.text", MAX_DESCRIPTION)
            self.message_text(rule, "fullDescription", rpath,
                              "fullDescription.text", MAX_DESCRIPTION)
            self.message_text(rule, "help", rpath, "help.text")
            conf = rule.get("defaultConfiguration")
            if isinstance(conf, dict) and "level" in conf and \
                    conf["level"] not in DEFAULT_LEVELS:
                self.bad(rpath + ["defaultConfiguration", "level"],
                         "GitHub accepts only %s as a rule's default level"
                         % ", ".join(DEFAULT_LEVELS))
            self.rule_properties(rule.get("properties"),
                                 rpath + ["properties"])
        return ids

    def rule_properties(self, props, path):
        if not isinstance(props, dict):
            return
        tags = props.get("tags")
        if isinstance(tags, list) and len(tags) > MAX_TAGS:
            self.bad(path + ["tags"], "%d tags, GitHub accepts at most %d"
                     % (len(tags), MAX_TAGS))
        if "security-severity" not in props:
            return
        sev = props["security-severity"]
        spath = path + ["security-severity"]
        if not isinstance(sev, str):
            self.bad(spath, "security-severity must be a string holding a"
                     " number, not %s" % json.dumps(sev))
            return
        try:
            score = float(sev)
        except ValueError:
            score = math.nan
        if not (0.0 <= score <= 10.0):
            self.bad(spath, "security-severity '%s' is not a number from"
                     " 0.0 to 10.0" % sev)

    def result(self, res, path, rules, rulelist):
        if not isinstance(res, dict):
            return
        rid = self.text(res, "ruleId", path, "ruleId")
        if rid is not None and rid not in rules:
            self.bad(path + ["ruleId"], "rule '%s' is not in"
                     " tool.driver.rules" % rid)
        idx = res.get("ruleIndex")
        if rid is not None and isinstance(idx, int) and idx >= 0:
            if idx >= len(rulelist):
                self.bad(path + ["ruleIndex"], "ruleIndex %d is past the"
                         " end of tool.driver.rules" % idx)
            elif not isinstance(rulelist[idx], dict) or \
                    rulelist[idx].get("id") != rid:
                self.bad(path + ["ruleIndex"], "ruleIndex %d names another"
                         " rule than ruleId '%s'" % (idx, rid))
        self.message_text(res, "message", path, "message.text")
        if "level" not in res:
            self.bad(path, "level is required (one of %s)" % ", ".join(LEVELS))
        # A level outside LEVELS is the schema's to report.
        locs = res.get("locations")
        if not isinstance(locs, list) or not locs:
            self.bad(path + ["locations"], "at least one location is"
                     " required")
        else:
            if len(locs) > MAX_LOCATIONS:
                self.bad(path + ["locations"], "%d locations, GitHub"
                         " accepts at most %d" % (len(locs), MAX_LOCATIONS))
            for i, loc in enumerate(locs):
                self.location(loc, path + ["locations", i])
        fp = res.get("partialFingerprints")
        if not isinstance(fp, dict) or not fp:
            self.bad(path + ["partialFingerprints"], "partialFingerprints"
                     " must be a non-empty object")
        else:
            for k, v in fp.items():
                if k == "" or not isinstance(v, str) or v == "":
                    self.bad(path + ["partialFingerprints", k],
                             "a fingerprint needs a name and a non-empty"
                             " string value")

    def location(self, loc, path):
        phys = loc.get("physicalLocation") if isinstance(loc, dict) else None
        ppath = path + ["physicalLocation"]
        if not isinstance(phys, dict):
            self.bad(ppath, "physicalLocation is required")
            return
        art = phys.get("artifactLocation")
        if not isinstance(art, dict):
            self.bad(ppath + ["artifactLocation"], "artifactLocation.uri"
                     " is required")
        else:
            uri = self.text(art, "uri", ppath + ["artifactLocation"],
                            "artifactLocation.uri")
            if uri is not None and (SCHEME.match(uri) or
                                    uri.startswith("/")):
                self.bad(ppath + ["artifactLocation", "uri"],
                         "must be a relative URI reference (no scheme, no"
                         " leading '/'): '%s'" % shorten(uri, 100))
        region = phys.get("region")
        line = region.get("startLine") if isinstance(region, dict) else None
        if not isinstance(line, int) or isinstance(line, bool) or line < 1:
            self.bad(ppath + ["region", "startLine"], "region.startLine must"
                     " be an integer of at least 1")


def validate(validator, name):
    """Return the problems of one file; raises OSError."""
    doc, why = read_document(name)
    if doc is None:
        return [([], why)]
    problems = schema_problems(validator, doc)
    gh = GitHubCheck()
    gh.log(doc)
    return problems + gh.problems


def main(argv):
    args = argv[1:]
    if args and args[0] in ("-h", "--help"):
        sys.stdout.write(__doc__.lstrip())
        return 0
    if args and args[0] == "--":
        args = args[1:]
    elif any(a.startswith("-") and a != "-" for a in args):
        bad = next(a for a in args if a.startswith("-") and a != "-")
        sys.stderr.write("%s: unknown option '%s'\n"
                         "usage: tests/sarif-validate.py FILE...\n"
                         % (PROG, bad))
        return 2
    if not args:
        sys.stderr.write("usage: tests/sarif-validate.py FILE...\n")
        return 2
    try:
        validator = make_validator()
    except UsageError as e:
        sys.stderr.write("%s: %s\n" % (PROG, e))
        return 2
    status = 0
    try:
        for name in args:
            label = "(stdin)" if name == "-" else name
            try:
                problems = validate(validator, name)
            except OSError as e:
                sys.stderr.write("%s: cannot read '%s': %s\n"
                                 % (PROG, label, e.strerror or e))
                status = 2
                continue
            for where, msg in problems:
                sys.stdout.write("%s: %s: %s\n"
                                 % (label, fmt_path(where), msg))
            if problems and status == 0:
                status = 1
        sys.stdout.flush()
    except OSError as e:
        sys.stderr.write("%s: cannot write output: %s\n"
                         % (PROG, e.strerror or e))
        # Nothing more may reach the broken stream at exit.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 2
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv))
