package main

import (
	"fmt"

	"doorway/internal/app"
	"doorway/internal/problem"
	"doorway/internal/store"
)

const backupAbout = `Writes a consistent backup of the SQLite database while the server keeps
running, encrypted (AES-256-GCM) under a key derived from the master key.
Restoring it needs that master key: keep a copy of master.key off this
machine, apart from the backups. On PostgreSQL use pg_dump or pgBackRest.`

func cmdBackup(c *cli, name string, args []string) error {
	cfg, err := c.config()
	if err != nil {
		return err
	}
	fs := flagSet(name)
	cfg.StoreFlags(fs)
	var out string
	fs.StringVar(&out, "out", "", "the backup `file` to write (required)")
	if err := parse(fs, "--out FILE", backupAbout, args); err != nil {
		return err
	}
	if out == "" {
		return usageErrorf("--out is required")
	}
	if err := validate(cfg); err != nil {
		return err
	}
	if cfg.Postgres() {
		return usageError{msg: problem.MessageOf(store.ErrBackupPostgres), plain: true}
	}
	m := c.newMain(cfg)
	if err := m.OpenExisting(c.ctx); err != nil {
		return err
	}
	defer m.Close()
	info, err := m.Backup(c.ctx, out)
	if err != nil {
		return err
	}
	fmt.Fprintf(c.stdout, "Backup written to %s: %s.\n", out, summary(info))
	fmt.Fprintf(c.stdout, "Restoring it needs the master key (%s): keep a copy off this machine.\n", app.MasterKeyFile)
	return nil
}

const restoreAbout = `Restores a backup into an empty data directory. The master key comes from
DOORWAY_MASTER_KEY or a master.key already placed in that directory. Copy
audit-signing.key there too, so the audit log's signed checkpoints can be
checked. On PostgreSQL use pg_restore or pgBackRest.`

func cmdRestore(c *cli, name string, args []string) error {
	cfg, err := c.config()
	if err != nil {
		return err
	}
	fs := flagSet(name)
	cfg.StoreFlags(fs)
	var in string
	fs.StringVar(&in, "in", "", "the backup `file` to restore (required)")
	if err := parse(fs, "--in FILE", restoreAbout, args); err != nil {
		return err
	}
	if in == "" {
		return usageErrorf("--in is required")
	}
	if err := validate(cfg); err != nil {
		return err
	}
	if cfg.Postgres() {
		return usageError{msg: problem.MessageOf(store.ErrBackupPostgres), plain: true}
	}
	info, err := app.Restore(c.ctx, cfg, in)
	if err != nil {
		return err
	}
	fmt.Fprintf(c.stdout, "Restored into %s: %s.\n", cfg.DataDir, summary(info))
	if _, err := app.LoadAuditKey(cfg, false); err != nil && info.Rows["audit_checkpoints"] > 0 {
		fmt.Fprintf(c.stdout, "Copy %s from the original data directory into %s before starting the server, so its signed checkpoints can be checked.\n",
			app.AuditKeyFile, cfg.DataDir)
	}
	fmt.Fprintln(c.stdout, "Check it with: doorway audit verify --data "+quoteArg(cfg.DataDir))
	return nil
}

// summary is one line about a backup's contents.
func summary(info store.BackupInfo) string {
	return fmt.Sprintf("%d clinics, %d users, %d clients, %d audit entries (head %d, %s)",
		info.Rows["clinics"], info.Rows["users"], info.Rows["clients"], info.Rows["audit_log"], info.Head.Seq, short(info.Head.Hash))
}

func short(hash string) string {
	if len(hash) > 16 {
		return hash[:16]
	}
	return hash
}

// quoteArg quotes a path for a shell if it needs it.
func quoteArg(s string) string {
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '/' || r == '.' || r == '-' || r == '_') {
			return "'" + s + "'"
		}
	}
	return s
}
