// Command tiltfile-shim evaluates a Tiltfile with a real Starlark interpreter (go.starlark.net)
// and stand-ins for the Tilt builtins it uses, written from the signatures Tilt documents in
// internal/tiltfile/api/__init__.py. Each stand-in accepts exactly Tilt's parameter names (an
// unknown or misspelled keyword fails, as in Tilt), enforces the live_update rules Tilt
// enforces, and records the call. The record is printed as JSON for the tests to assert on.
//
//	tiltfile-shim -tiltfile Tiltfile [-subcommand up] [-- tilt args...]
//
// helm() runs the helm binary named by $HELM (`helm template ... --skip-tests`, as Tilt drops
// templates/tests), so the record holds the YAML Tilt would deploy.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	"go.starlark.net/resolve"
	"go.starlark.net/starlark"
	"go.starlark.net/starlarkstruct"
)

type call struct {
	Fn   string                 `json:"fn"`
	Args map[string]interface{} `json:"args"`
}

var (
	calls      []call
	tiltDir    string
	configDefs = map[string]string{} // flag name -> "bool" | "string" | "string_list"
	tiltArgs   []string
	subcommand string
)

// toJSON converts Starlark values into plain JSON-able values.
func toJSON(v starlark.Value) interface{} {
	switch x := v.(type) {
	case nil, starlark.NoneType:
		return nil
	case starlark.String:
		return string(x)
	case starlark.Bool:
		return bool(x)
	case starlark.Int:
		i, _ := x.Int64()
		return i
	case starlark.Float:
		return float64(x)
	case *starlark.List:
		out := []interface{}{}
		for i := 0; i < x.Len(); i++ {
			out = append(out, toJSON(x.Index(i)))
		}
		return out
	case starlark.Tuple:
		out := []interface{}{}
		for _, e := range x {
			out = append(out, toJSON(e))
		}
		return out
	case *starlark.Dict:
		out := map[string]interface{}{}
		for _, item := range x.Items() {
			k, _ := starlark.AsString(item[0])
			out[k] = toJSON(item[1])
		}
		return out
	case *starlarkstruct.Struct:
		out := map[string]interface{}{}
		for _, name := range x.AttrNames() {
			attr, _ := x.Attr(name)
			out[name] = toJSON(attr)
		}
		return out
	default:
		return v.String()
	}
}

// builtin declares a Tilt builtin: params are Tilt's parameter names in order, optional ones
// ending in "?". The handler receives the given arguments by name.
func builtin(name string, params []string, handler func(args map[string]starlark.Value) (starlark.Value, error)) *starlark.Builtin {
	return starlark.NewBuiltin(name, func(thread *starlark.Thread, fn *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
		values := make([]starlark.Value, len(params))
		pairs := make([]interface{}, 0, 2*len(params))
		for i, p := range params {
			pairs = append(pairs, p, &values[i])
		}
		if err := starlark.UnpackArgs(name, args, kwargs, pairs...); err != nil {
			return nil, err
		}
		given := map[string]starlark.Value{}
		recorded := map[string]interface{}{}
		for i, p := range params {
			if values[i] != nil {
				key := strings.TrimSuffix(p, "?")
				given[key] = values[i]
				recorded[key] = toJSON(values[i])
			}
		}
		result, err := handler(given)
		if err != nil {
			return nil, fmt.Errorf("%s: %v", name, err)
		}
		calls = append(calls, call{Fn: name, Args: recorded})
		if result == nil {
			return starlark.None, nil
		}
		return result, nil
	})
}

func object(kind string, fields starlark.StringDict) *starlarkstruct.Struct {
	fields["_type"] = starlark.String(kind)
	return starlarkstruct.FromStringDict(starlarkstruct.Default, fields)
}

func noop(map[string]starlark.Value) (starlark.Value, error) { return nil, nil }

func str(v starlark.Value) string {
	if s, ok := starlark.AsString(v); ok {
		return s
	}
	if st, ok := v.(*starlarkstruct.Struct); ok {
		if text, err := st.Attr("text"); err == nil {
			s, _ := starlark.AsString(text)
			return s
		}
	}
	return ""
}

// stringList accepts a string or a list of strings, as Tilt does.
func stringList(v starlark.Value) []string {
	if v == nil {
		return nil
	}
	if s, ok := starlark.AsString(v); ok {
		return []string{s}
	}
	var out []string
	if iterable, ok := v.(starlark.Iterable); ok {
		it := iterable.Iterate()
		defer it.Done()
		var e starlark.Value
		for it.Next(&e) {
			out = append(out, str(e))
		}
	}
	return out
}

func resolvePath(path string) string {
	if filepath.IsAbs(path) {
		return filepath.Clean(path)
	}
	return filepath.Join(tiltDir, path)
}

func within(dir, path string) bool {
	rel, err := filepath.Rel(dir, path)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, "../")
}

func stepType(v starlark.Value) string {
	st, ok := v.(*starlarkstruct.Struct)
	if !ok {
		return ""
	}
	t, err := st.Attr("_type")
	if err != nil {
		return ""
	}
	s, _ := starlark.AsString(t)
	return s
}

// checkLiveUpdate enforces the ordering and path rules Tilt applies to live_update steps.
func checkLiveUpdate(steps starlark.Value, context string) error {
	list, ok := steps.(*starlark.List)
	if !ok {
		return fmt.Errorf("live_update must be a list of steps")
	}
	phase := 0 // 0: fall_back_on allowed, 1: sync allowed, 2: run only
	for i := 0; i < list.Len(); i++ {
		step := list.Index(i).(*starlarkstruct.Struct)
		switch stepType(step) {
		case "fall_back_on":
			if phase > 0 {
				return fmt.Errorf("live_update: fall_back_on steps must come first (step %d)", i)
			}
			files, _ := step.Attr("files")
			for _, f := range stringList(files) {
				if !within(context, resolvePath(f)) {
					return fmt.Errorf("live_update: fall_back_on path %q is outside the build context %q", f, context)
				}
			}
		case "sync":
			if phase > 1 {
				return fmt.Errorf("live_update: sync steps must come before run steps (step %d)", i)
			}
			phase = 1
			local, _ := step.Attr("local_path")
			remote, _ := step.Attr("remote_path")
			if !within(context, resolvePath(str(local))) {
				return fmt.Errorf("live_update: sync source %q is outside the build context %q", str(local), context)
			}
			if !strings.HasPrefix(str(remote), "/") {
				return fmt.Errorf("live_update: sync destination %q must be an absolute path", str(remote))
			}
		case "run":
			phase = 2
		default:
			return fmt.Errorf("live_update: step %d is not a live update step", i)
		}
	}
	return nil
}

func runHelm(args map[string]starlark.Value) (starlark.Value, error) {
	helm := os.Getenv("HELM")
	if helm == "" {
		return nil, fmt.Errorf("set $HELM to a helm binary")
	}
	name := "chart"
	if v, ok := args["name"]; ok && str(v) != "" {
		name = str(v)
	}
	argv := []string{"template", name, resolvePath(str(args["pathToChartDir"])), "--skip-tests"}
	if v, ok := args["namespace"]; ok && str(v) != "" {
		argv = append(argv, "--namespace", str(v))
	}
	for _, f := range stringList(args["values"]) {
		argv = append(argv, "--values", resolvePath(f))
	}
	for _, s := range stringList(args["set"]) {
		argv = append(argv, "--set", s)
	}
	if v, ok := args["kube_version"]; ok && str(v) != "" {
		argv = append(argv, "--kube-version", str(v))
	}
	out, err := exec.Command(helm, argv...).Output()
	if err != nil {
		if exit, ok := err.(*exec.ExitError); ok {
			return nil, fmt.Errorf("helm template failed: %s", exit.Stderr)
		}
		return nil, err
	}
	return object("blob", starlark.StringDict{"text": starlark.String(out)}), nil
}

func parseConfig() (starlark.Value, error) {
	result := starlark.NewDict(len(tiltArgs))
	for i := 0; i < len(tiltArgs); i++ {
		arg := tiltArgs[i]
		if !strings.HasPrefix(arg, "--") {
			return nil, fmt.Errorf("config.parse: unexpected positional argument %q", arg)
		}
		name, value, hasValue := strings.Cut(strings.TrimPrefix(arg, "--"), "=")
		kind, ok := configDefs[name]
		if !ok {
			return nil, fmt.Errorf("config.parse: unknown flag --%s", name)
		}
		switch kind {
		case "bool":
			result.SetKey(starlark.String(name), starlark.Bool(!hasValue || value == "true" || value == "True"))
		default:
			if !hasValue {
				if i+1 >= len(tiltArgs) {
					return nil, fmt.Errorf("config.parse: --%s needs a value", name)
				}
				i++
				value = tiltArgs[i]
			}
			if kind == "string_list" {
				result.SetKey(starlark.String(name), starlark.NewList([]starlark.Value{starlark.String(value)}))
			} else {
				result.SetKey(starlark.String(name), starlark.String(value))
			}
		}
	}
	return result, nil
}

func define(kind string) func(map[string]starlark.Value) (starlark.Value, error) {
	return func(args map[string]starlark.Value) (starlark.Value, error) {
		configDefs[str(args["name"])] = kind
		return nil, nil
	}
}

func predeclared() starlark.StringDict {
	tiltfilePath := filepath.Join(tiltDir, "Tiltfile")
	return starlark.StringDict{
		"__file__":            starlark.String(tiltfilePath),
		"TRIGGER_MODE_AUTO":   starlark.String("TRIGGER_MODE_AUTO"),
		"TRIGGER_MODE_MANUAL": starlark.String("TRIGGER_MODE_MANUAL"),
		"struct":              starlark.NewBuiltin("struct", starlarkstruct.Make),
		"fail": starlark.NewBuiltin("fail", func(_ *starlark.Thread, _ *starlark.Builtin, args starlark.Tuple, _ []starlark.Tuple) (starlark.Value, error) {
			return nil, fmt.Errorf("fail: %s", str(args.Index(0)))
		}),
		"warn":                  builtin("warn", []string{"msg"}, noop),
		"version_settings":      builtin("version_settings", []string{"check_updates?", "constraint?"}, noop),
		"allow_k8s_contexts":    builtin("allow_k8s_contexts", []string{"contexts"}, noop),
		// The kubectl context Tilt would find: $TILT_SHIM_K8S_CONTEXT, or the one ctlptl.yaml creates.
		"k8s_context": builtin("k8s_context", []string{}, func(map[string]starlark.Value) (starlark.Value, error) {
			if v, ok := os.LookupEnv("TILT_SHIM_K8S_CONTEXT"); ok {
				return starlark.String(v), nil
			}
			return starlark.String("kind-whc"), nil
		}),
		"update_settings":       builtin("update_settings", []string{"max_parallel_updates?", "k8s_upsert_timeout_secs?", "suppress_unused_image_warnings?", "k8s_server_side_apply?"}, noop),
		"ci_settings":           builtin("ci_settings", []string{"k8s_grace_period?", "timeout?", "readiness_timeout?"}, noop),
		"watch_settings":        builtin("watch_settings", []string{"ignore"}, noop),
		"trigger_mode":          builtin("trigger_mode", []string{"trigger_mode"}, noop),
		"docker_prune_settings": builtin("docker_prune_settings", []string{"disable?", "max_age_mins?", "num_builds?", "interval_hrs?", "keep_recent?"}, noop),
		"fall_back_on": builtin("fall_back_on", []string{"files"}, func(a map[string]starlark.Value) (starlark.Value, error) {
			return object("fall_back_on", starlark.StringDict{"files": a["files"]}), nil
		}),
		"sync": builtin("sync", []string{"local_path", "remote_path"}, func(a map[string]starlark.Value) (starlark.Value, error) {
			return object("sync", starlark.StringDict{"local_path": a["local_path"], "remote_path": a["remote_path"]}), nil
		}),
		"run": builtin("run", []string{"cmd", "trigger?", "echo_off?"}, func(a map[string]starlark.Value) (starlark.Value, error) {
			trigger := a["trigger"]
			if trigger == nil {
				trigger = starlark.NewList(nil)
			}
			return object("run", starlark.StringDict{"cmd": a["cmd"], "trigger": trigger}), nil
		}),
		"link": builtin("link", []string{"url", "name?"}, func(a map[string]starlark.Value) (starlark.Value, error) {
			name := a["name"]
			if name == nil {
				name = starlark.None
			}
			return object("link", starlark.StringDict{"url": a["url"], "name": name}), nil
		}),
		"port_forward": builtin("port_forward", []string{"local_port", "container_port?", "name?", "link_path?", "host?"}, func(a map[string]starlark.Value) (starlark.Value, error) {
			fields := starlark.StringDict{}
			for k, v := range a {
				fields[k] = v
			}
			return object("port_forward", fields), nil
		}),
		"docker_build": builtin("docker_build", []string{"ref", "context", "build_args?", "dockerfile?", "dockerfile_contents?", "live_update?", "match_in_env_vars?", "ignore?", "only?", "entrypoint?", "target?", "ssh?", "network?", "secret?", "extra_tag?", "container_args?", "cache_from?", "pull?", "platform?", "extra_hosts?"}, func(a map[string]starlark.Value) (starlark.Value, error) {
			context := resolvePath(str(a["context"]))
			if info, err := os.Stat(context); err != nil || !info.IsDir() {
				return nil, fmt.Errorf("build context %q is not a directory", str(a["context"]))
			}
			dockerfile := "Dockerfile"
			if v, ok := a["dockerfile"]; ok {
				dockerfile = str(v)
			}
			text, err := os.ReadFile(resolvePath(dockerfile))
			if err != nil {
				return nil, fmt.Errorf("dockerfile %q not found", dockerfile)
			}
			if v, ok := a["target"]; ok && str(v) != "" {
				stage := regexp.MustCompile(`(?im)^FROM\s+\S+\s+AS\s+` + regexp.QuoteMeta(str(v)) + `\s*$`)
				if !stage.Match(text) {
					return nil, fmt.Errorf("target %q: no such stage in %s", str(v), dockerfile)
				}
			}
			if lu, ok := a["live_update"]; ok {
				if err := checkLiveUpdate(lu, context); err != nil {
					return nil, err
				}
			}
			return nil, nil
		}),
		"helm": builtin("helm", []string{"pathToChartDir", "name?", "namespace?", "values?", "set?", "kube_version?", "skip_crds?"}, runHelm),
		"k8s_yaml": builtin("k8s_yaml", []string{"yaml", "allow_duplicates?"}, func(a map[string]starlark.Value) (starlark.Value, error) {
			if stepType(a["yaml"]) == "blob" {
				return nil, nil
			}
			for _, path := range stringList(a["yaml"]) {
				if _, err := os.Stat(resolvePath(path)); err != nil {
					return nil, fmt.Errorf("%q: %v", path, err)
				}
			}
			return nil, nil
		}),
		"k8s_resource": builtin("k8s_resource", []string{"workload?", "new_name?", "port_forwards?", "extra_pod_selectors?", "trigger_mode?", "resource_deps?", "objects?", "auto_init?", "pod_readiness?", "links?", "labels?", "discovery_strategy?"}, noop),
		"local_resource": builtin("local_resource", []string{"name", "cmd", "deps?", "trigger_mode?", "resource_deps?", "ignore?", "auto_init?", "serve_cmd?", "cmd_bat?", "serve_cmd_bat?", "allow_parallel?", "links?", "labels?", "env?", "serve_env?", "readiness_probe?", "dir?", "serve_dir?"}, func(a map[string]starlark.Value) (starlark.Value, error) {
			for _, dep := range stringList(a["deps"]) {
				if _, err := os.Stat(resolvePath(dep)); err != nil {
					return nil, fmt.Errorf("deps: %q does not exist", dep)
				}
			}
			return nil, nil
		}),
		"config": starlarkstruct.FromStringDict(starlarkstruct.Default, starlark.StringDict{
			"tilt_subcommand":    starlark.String(subcommand),
			"main_dir":           starlark.String(tiltDir),
			"main_path":          starlark.String(tiltfilePath),
			"define_bool":        builtin("config.define_bool", []string{"name", "args?", "usage?"}, define("bool")),
			"define_string":      builtin("config.define_string", []string{"name", "args?", "usage?"}, define("string")),
			"define_string_list": builtin("config.define_string_list", []string{"name", "args?", "usage?"}, define("string_list")),
			"parse": builtin("config.parse", []string{}, func(map[string]starlark.Value) (starlark.Value, error) {
				return parseConfig()
			}),
			"set_enabled_resources": builtin("config.set_enabled_resources", []string{"resources"}, noop),
		}),
		"os": starlarkstruct.FromStringDict(starlarkstruct.Default, starlark.StringDict{
			"getenv": builtin("os.getenv", []string{"key", "default?"}, func(a map[string]starlark.Value) (starlark.Value, error) {
				if v, ok := os.LookupEnv(str(a["key"])); ok {
					return starlark.String(v), nil
				}
				if d, ok := a["default"]; ok {
					return d, nil
				}
				return starlark.None, nil
			}),
		}),
	}
}

// Extensions this Tiltfile loads, with the signatures of tilt-extensions' Tiltfiles.
func loadExtension(_ *starlark.Thread, module string) (starlark.StringDict, error) {
	switch module {
	case "ext://uibutton":
		return starlark.StringDict{
			"location": starlarkstruct.FromStringDict(starlarkstruct.Default, starlark.StringDict{"RESOURCE": starlark.String("resource"), "NAV": starlark.String("nav")}),
			"cmd_button": builtin("cmd_button", []string{"name", "resource?", "argv?", "text?", "location?", "icon_name?", "icon_svg?", "inputs?"}, func(a map[string]starlark.Value) (starlark.Value, error) {
				if len(stringList(a["argv"])) == 0 {
					return nil, fmt.Errorf("argv cannot be empty")
				}
				loc := "resource"
				if v, ok := a["location"]; ok {
					loc = str(v)
				}
				if loc == "resource" && str(a["resource"]) == "" {
					return nil, fmt.Errorf("must provide a resource name")
				}
				return nil, nil
			}),
		}, nil
	}
	return nil, fmt.Errorf("load(%q): not available in the shim", module)
}

func main() {
	tiltfile := flag.String("tiltfile", "Tiltfile", "path of the Tiltfile")
	flag.StringVar(&subcommand, "subcommand", "up", "the tilt subcommand to emulate (up, ci, down)")
	flag.Parse()
	tiltArgs = flag.Args()
	abs, err := filepath.Abs(*tiltfile)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	tiltDir = filepath.Dir(abs)
	// Tilt's dialect: top-level if/for, reassignment, recursion and sets, as Tilt enables them.
	resolve.AllowGlobalReassign = true
	resolve.AllowRecursion = true
	resolve.AllowSet = true
	thread := &starlark.Thread{Name: "Tiltfile", Load: loadExtension, Print: func(_ *starlark.Thread, msg string) { fmt.Fprintln(os.Stderr, msg) }}
	if _, err := starlark.ExecFile(thread, abs, nil, predeclared()); err != nil {
		if evalErr, ok := err.(*starlark.EvalError); ok {
			fmt.Fprintln(os.Stderr, evalErr.Backtrace())
		} else {
			fmt.Fprintln(os.Stderr, err)
		}
		os.Exit(1)
	}
	names := make([]string, 0, len(configDefs))
	for name := range configDefs {
		names = append(names, name)
	}
	sort.Strings(names)
	out := map[string]interface{}{"calls": calls, "config_flags": names}
	encoder := json.NewEncoder(os.Stdout)
	encoder.SetIndent("", "  ")
	if err := encoder.Encode(out); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
