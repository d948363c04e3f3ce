package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
	"text/tabwriter"

	"doorway/internal/demo"
)

func newLogger(w io.Writer) *slog.Logger {
	return slog.New(slog.NewTextHandler(w, nil))
}

func cmdServe(c *cli, name string, args []string) error {
	return c.serve(name, args, false)
}

func cmdDemo(c *cli, name string, args []string) error {
	return c.serve(name, args, true)
}

const serveAbout = `Runs the Doorway server. Migrations are applied at start; the keys
(master.key, audit-signing.key) are created in the data directory on first
start unless DOORWAY_MASTER_KEY and DOORWAY_AUDIT_KEY supply them. Several
instances on one PostgreSQL database must share both keys. The audit log is
verified at start and every 10 minutes, and each signed checkpoint of it is
appended to audit-heads.log in the data directory and written to the log.
SIGINT or SIGTERM stops the server after the requests in flight finish.`

const demoAbout = `Seeds the demo practice (once; later runs find it) and runs the server
as serve does, with every page marked as a demo. Prints the address and every
demo login with its password. Use a data directory of its own.`

// serve runs the server, after seeding the demo practice when demo is set.
func (c *cli) serve(name string, args []string, withDemo bool) error {
	cfg, err := c.config()
	if err != nil {
		return err
	}
	fs := flagSet(name)
	cfg.ServeFlags(fs)
	about := serveAbout
	if withDemo {
		about = demoAbout
	}
	if err := parse(fs, "[flags]", about, args); err != nil {
		return err
	}
	if err := validate(cfg); err != nil {
		return err
	}

	// The first signal starts a graceful stop; after it the default action is
	// back, so a second Ctrl-C ends the process at once.
	ctx, stop := signal.NotifyContext(c.ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	context.AfterFunc(ctx, stop)

	m := c.newMain(cfg)
	m.Demo = withDemo
	if err := m.Open(ctx); err != nil {
		return err
	}
	defer m.Close()
	var logins []demo.Login
	if withDemo {
		if logins, err = m.SeedDemo(ctx); err != nil {
			return err
		}
	}
	ln, err := m.Listen()
	if err != nil {
		return err
	}
	if addr := c.getenv(profileEnv); addr != "" {
		if err := startProfiler(addr); err != nil {
			return err
		}
	}
	url := cfg.PublicURL(ln.Addr().String())
	if withDemo {
		printLogins(c.stdout, url, logins)
	} else {
		fmt.Fprintf(c.stdout, "Doorway is serving on %s (stop with Ctrl-C)\n", url)
	}
	return m.Run(ctx, ln)
}

func printLogins(w io.Writer, url string, logins []demo.Login) {
	fmt.Fprintf(w, "Doorway demo: open %s\n\n", url)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	clinic := ""
	for _, l := range logins {
		if l.Clinic != clinic {
			if clinic != "" {
				fmt.Fprintln(tw)
			}
			clinic = l.Clinic
			fmt.Fprintf(tw, "%s\n", clinic) // a line without tabs: each clinic aligns on its own
		}
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\n", l.Role, l.Name, l.Email, l.Password)
	}
	tw.Flush() // #nosec G104 -- help text to the terminal
	fmt.Fprintf(w, "\nEvery demo account's password is %s. Demo accounts may sign in without a second factor.\nStop with Ctrl-C.\n", demo.Password)
}

const migrateAbout = `Applies the database migrations that have not run yet, and exits. The
server does the same at start; this is for deployments that migrate first.`

func cmdMigrate(c *cli, name string, args []string) error {
	cfg, err := c.config()
	if err != nil {
		return err
	}
	fs := flagSet(name)
	cfg.StoreFlags(fs)
	if err := parse(fs, "[flags]", migrateAbout, args); err != nil {
		return err
	}
	if err := validate(cfg); err != nil {
		return err
	}
	m := c.newMain(cfg)
	if err := m.Open(c.ctx); err != nil {
		return err
	}
	defer m.Close()
	where := cfg.DataDir
	if cfg.Postgres() {
		where = "PostgreSQL"
	}
	fmt.Fprintf(c.stdout, "The %s database in %s is up to date.\n", m.Store.Engine(), where)
	return nil
}
