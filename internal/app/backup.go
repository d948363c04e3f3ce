package app

import (
	"context"
	"errors"
	"os"
	"path/filepath"

	"doorway/internal/problem"
	"doorway/internal/store"
)

// Backup writes an encrypted online backup of the SQLite database to path,
// under the master key. The file appears only when complete (it is written
// beside path and renamed), mode 0600. Restoring it needs the same master
// key: keep a copy of master.key off the machine, apart from the backups.
func (m *Main) Backup(ctx context.Context, path string) (store.BackupInfo, error) {
	if m.Config.Postgres() {
		return store.BackupInfo{}, store.ErrBackupPostgres
	}
	key, err := LoadMasterKey(m.Config, false)
	if err != nil {
		return store.BackupInfo{}, err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return store.BackupInfo{}, problem.New(problem.Unavailable, "cannot write the backup: %s", causeOf(err))
	}
	defer os.Remove(tmp.Name()) // after a successful rename there is nothing left to remove
	info, err := m.Store.Backup(ctx, tmp, key)
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return store.BackupInfo{}, err
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return store.BackupInfo{}, problem.New(problem.Unavailable, "cannot write the backup: %s", causeOf(err))
	}
	return info, nil
}

// Restore decrypts the backup at path into cfg's data directory, which must
// not hold a database yet. The master key comes from DOORWAY_MASTER_KEY or a
// master.key already placed in that directory.
func Restore(ctx context.Context, cfg Config, path string) (store.BackupInfo, error) {
	if cfg.Postgres() {
		return store.BackupInfo{}, store.ErrBackupPostgres
	}
	// Said first: a wrong target matters more than a missing key.
	if _, err := os.Stat(filepath.Join(cfg.DataDir, store.SQLiteFile)); err == nil {
		return store.BackupInfo{}, problem.New(problem.Conflict, "%s already holds a database; restore only into an empty data directory", cfg.DataDir)
	}
	key, err := LoadMasterKey(cfg, false)
	if err != nil {
		return store.BackupInfo{}, err
	}
	f, err := os.Open(path) // #nosec G304 -- the backup file the operator named on the command line
	if errors.Is(err, os.ErrNotExist) {
		return store.BackupInfo{}, problem.New(problem.NotFound, "there is no file %s", path)
	}
	if err != nil {
		return store.BackupInfo{}, problem.New(problem.Unavailable, "cannot read the backup: %s", causeOf(err))
	}
	defer f.Close()
	return store.Restore(ctx, f, cfg.DataDir, key)
}
