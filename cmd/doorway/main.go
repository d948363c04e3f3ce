// Command doorway is the Doorway server and its administration commands
// (CONTRACT.md). It only parses flags and prints; the work is in
// internal/app.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"doorway/internal/app"
	"doorway/internal/audit"
	"doorway/internal/problem"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// Exit codes: CONTRACT.md.
const (
	exitOK      = 0
	exitFailure = 1
	exitUsage   = 2
)

// cli is one invocation: where it writes and what environment it reads.
type cli struct {
	ctx    context.Context
	stdout io.Writer
	stderr io.Writer
	getenv func(string) string
}

// command is one subcommand; name is how it is typed ("user add").
type command struct {
	name    string
	summary string
	run     func(c *cli, name string, args []string) error
}

var commands = []command{
	{"serve", "run the server", cmdServe},
	{"demo", "seed the demo practice (once) and run the server", cmdDemo},
	{"migrate", "apply database migrations and exit", cmdMigrate},
	{"seed", "fill the database with a synthetic practice for benchmarks", cmdSeed},
	{"user add", "add a staff user and print their one-time setup link", cmdUserAdd},
	{"token create", "print a new API bearer token for a user", cmdTokenCreate},
	{"backup", "write an encrypted online backup of the database", cmdBackup},
	{"restore", "restore a backup into an empty data directory", cmdRestore},
	{"audit verify", "check the audit log's hash chain and signed checkpoints", cmdAuditVerify},
	{"version", "print the version", cmdVersion},
}

// run is main without the process: it returns the exit code, so tests can
// drive every command.
func run(args []string, stdout, stderr io.Writer) int {
	c := &cli{ctx: context.Background(), stdout: stdout, stderr: stderr, getenv: os.Getenv}
	return c.main(args)
}

func (c *cli) main(args []string) int {
	if len(args) == 0 {
		return c.exit("doorway", usageErrorf("name a command"))
	}
	switch args[0] {
	case "help", "-h", "-help", "--help":
		c.usage(c.stdout)
		return exitOK
	}
	cmd, rest, err := lookup(args)
	name := "doorway"
	if err == nil {
		name = "doorway " + cmd.name
		err = cmd.run(c, name, rest)
	}
	return c.exit(name, err)
}

// lookup finds the command that args start with, by one or two words.
func lookup(args []string) (command, []string, error) {
	var group []string
	for _, cmd := range commands {
		words := strings.Fields(cmd.name)
		if words[0] != args[0] {
			continue
		}
		if len(words) == 1 {
			return cmd, args[1:], nil
		}
		group = append(group, words[1])
		if len(args) > 1 && args[1] == words[1] {
			return cmd, args[2:], nil
		}
	}
	if len(group) == 0 {
		return command{}, nil, usageErrorf("unknown command %q", args[0])
	}
	if len(args) > 1 && (args[1] == "-h" || args[1] == "-help" || args[1] == "--help") {
		return command{}, nil, helpShown{text: fmt.Sprintf("usage: doorway %s %s [flags]\n", args[0], strings.Join(group, "|"))}
	}
	return command{}, nil, usageErrorf("%q needs a subcommand: %s", args[0], strings.Join(group, ", "))
}

func (c *cli) usage(w io.Writer) {
	fmt.Fprint(w, "Doorway: a self-hostable platform for ketamine-assisted psychotherapy practices.\n\nusage: doorway <command> [flags]\n\ncommands:\n")
	for _, cmd := range commands {
		fmt.Fprintf(w, "  %-14s %s\n", cmd.name, cmd.summary)
	}
	fmt.Fprint(w, "\nRun doorway <command> --help for a command's flags.\n")
}

// usageError is a mistake in how a command was called: exit 2. plain leaves
// off the pointer to --help, for messages that say all there is to say.
type usageError struct {
	msg   string
	plain bool
}

func (e usageError) Error() string { return e.msg }

func usageErrorf(format string, args ...any) error {
	return usageError{msg: fmt.Sprintf(format, args...)}
}

// helpShown means --help was asked for; its text goes to standard output and
// the exit code is 0.
type helpShown struct{ text string }

func (h helpShown) Error() string { return "help requested" }

// exit reports err in one plain line and returns the exit code.
func (c *cli) exit(name string, err error) int {
	var help helpShown
	var usage usageError
	switch {
	case err == nil:
		return exitOK
	case errors.As(err, &help):
		fmt.Fprint(c.stdout, help.text)
		return exitOK
	case errors.As(err, &usage) && usage.plain:
		fmt.Fprintf(c.stderr, "%s: %s\n", name, oneLine(usage.msg))
		return exitUsage
	case errors.As(err, &usage):
		fmt.Fprintf(c.stderr, "%s: %s (run %s --help)\n", name, oneLine(usage.msg), name)
		return exitUsage
	}
	fmt.Fprintf(c.stderr, "%s: %s\n", name, oneLine(message(err)))
	return exitFailure
}

// message is what a person is told about err. problem errors carry a safe
// message of their own; a broken audit chain says where; anything else is
// the error's own text, since the person at the command line runs the server.
func message(err error) string {
	var pe *problem.Error
	var brk *audit.Break
	switch {
	case errors.As(err, &pe):
		return problem.MessageOf(err)
	case errors.As(err, &brk):
		return brk.Error()
	case errors.Is(err, context.Canceled):
		return "interrupted"
	}
	return err.Error()
}

func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// flagSet makes a command's flags. Parse errors and --help are reported by
// parse, in the CLI's own words, so the flag package prints nothing itself.
func flagSet(name string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	return fs
}

// parse parses args, turning --help into the command's help text and any
// mistake into a usage error.
func parse(fs *flag.FlagSet, synopsis, about string, args []string) error {
	err := fs.Parse(args)
	if errors.Is(err, flag.ErrHelp) {
		var b strings.Builder
		fmt.Fprintf(&b, "usage: %s %s\n\n%s\n\nflags:\n", fs.Name(), synopsis, about)
		fs.SetOutput(&b)
		fs.PrintDefaults()
		fs.SetOutput(io.Discard)
		return helpShown{text: b.String()}
	}
	if err != nil {
		return usageError{msg: err.Error()}
	}
	if fs.NArg() > 0 {
		return usageErrorf("unexpected argument %q", fs.Arg(0))
	}
	return nil
}

// config reads the environment; flags registered afterwards override it.
func (c *cli) config() (app.Config, error) {
	cfg, err := app.NewConfig(c.getenv)
	if err != nil {
		return cfg, usageError{msg: err.Error()}
	}
	return cfg, nil
}

// validate turns a configuration mistake into a usage error.
func validate(cfg app.Config) error {
	if err := cfg.Validate(); err != nil {
		return usageError{msg: err.Error()}
	}
	return nil
}

// newMain returns the program for a command, logging to standard error.
func (c *cli) newMain(cfg app.Config) *app.Main {
	m := app.NewMain(cfg)
	m.Logger = newLogger(c.stderr)
	return m
}

func cmdVersion(c *cli, name string, args []string) error {
	fs := flagSet(name)
	if err := parse(fs, "", "Prints the version of this doorway binary.", args); err != nil {
		return err
	}
	fmt.Fprintf(c.stdout, "doorway %s\n", app.VersionString())
	return nil
}
