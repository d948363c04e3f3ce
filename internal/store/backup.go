package store

import (
	"bufio"
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"database/sql/driver"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"

	"doorway/internal/audit"
	"doorway/internal/problem"
)

// Backups of the SQLite database. PostgreSQL has better tools of its own
// (pg_dump, pgBackRest, point-in-time recovery), so Doorway does not
// reimplement them.
//
// A backup is taken with VACUUM INTO from a reader connection: it copies one
// read snapshot, so it is consistent while writes continue on the writer
// connection and in other processes. The copy lands in a private temporary
// file in the data directory (0700, on the same disk, never a shared /tmp),
// is encrypted into the output, and is removed.
//
// The file format, all integers big-endian:
//
//	magic        8 bytes  "DOORWAYB"
//	version      1 byte   1
//	salt        16 bytes  random; with the master key it derives this backup's keys
//	nonce prefix 7 bytes  random
//	key check   16 bytes  HMAC-SHA256(check key, the 32 bytes above), truncated
//	chunks               AES-256-GCM, each 64 KiB of plaintext (the last shorter,
//	                     possibly empty) plus a 16-byte tag
//
// Chunk i's nonce is the prefix, i as 4 bytes, and a final byte that is 1 on
// the last chunk and 0 otherwise, and every chunk authenticates the header as
// associated data. So a chunk cannot be moved, a header cannot be altered,
// and a file cut short at any point, even at a chunk boundary, fails to
// decrypt rather than restoring part of a database. The key check only tells
// a wrong master key apart from a damaged file, for a clearer message.

const (
	backupMagic     = "DOORWAYB"
	backupVersion   = 1
	backupSaltLen   = 16
	backupPrefixLen = 7
	backupCheckLen  = 16
	backupAADLen    = len(backupMagic) + 1 + backupSaltLen + backupPrefixLen // 32
	backupHeaderLen = backupAADLen + backupCheckLen                          // 48
	backupChunk     = 64 << 10
	// MasterKeySize is the length of the master key, in bytes.
	MasterKeySize = 32
)

// BackupInfo describes the snapshot a backup holds or a restore produced.
type BackupInfo struct {
	// Head is the audit chain's head in the snapshot.
	Head audit.Head
	// Rows counts the rows of each table in the snapshot.
	Rows map[string]int64
}

// ErrBackupPostgres is returned for backup and restore on PostgreSQL.
var ErrBackupPostgres = problem.New(problem.Invalid,
	"on PostgreSQL, back up and restore with the database's own tools (pg_dump and pg_restore, or pgBackRest)")

// Backup writes an encrypted, consistent snapshot of the SQLite database to w,
// under a key derived from masterKey. It may run while the server writes.
func (s *Store) Backup(ctx context.Context, w io.Writer, masterKey []byte) (BackupInfo, error) {
	if s.eng == enginePostgres {
		return BackupInfo{}, ErrBackupPostgres
	}
	if len(masterKey) != MasterKeySize {
		return BackupInfo{}, errors.New("backup: the master key must be 32 bytes")
	}
	tmp, err := os.CreateTemp(filepath.Dir(s.path), ".backup-*.db")
	if err != nil {
		return BackupInfo{}, problem.New(problem.Unavailable, "cannot create a temporary file in the data directory for the backup")
	}
	name := tmp.Name()
	tmp.Close() // #nosec G104 -- closing on the way out, after a failure already returned or once all is read; nothing is left to lose
	defer removeSQLiteFiles(name)

	if err := s.vacuumInto(ctx, name); err != nil {
		return BackupInfo{}, fmt.Errorf("backup: copy the database: %w", err)
	}
	info, err := inspectSQLite(ctx, name, false)
	if err != nil {
		return BackupInfo{}, err
	}
	f, err := os.Open(name) // #nosec G304 -- the backup file the operator named on the command line
	if err != nil {
		return BackupInfo{}, err
	}
	defer f.Close()
	if err := encryptBackup(w, f, masterKey); err != nil {
		return BackupInfo{}, err
	}
	return info, nil
}

// vacuumInto copies the database to path from a reader connection: a read
// snapshot does not hold the writer up. Readers are query_only, which also
// refuses VACUUM INTO, so the connection is let write for this one statement
// and dropped from the pool if it cannot be made read-only again. VACUUM INTO
// accepts an existing empty file, which CreateTemp made 0600.
func (s *Store) vacuumInto(ctx context.Context, path string) error {
	conn, err := s.r.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, `PRAGMA query_only(0)`); err != nil {
		return err
	}
	_, err = conn.ExecContext(ctx, `VACUUM INTO ?`, path)
	if _, rerr := conn.ExecContext(context.WithoutCancel(ctx), `PRAGMA query_only(1)`); rerr != nil {
		conn.Raw(func(any) error { return driver.ErrBadConn }) // #nosec G104 -- the callback returns ErrBadConn on purpose, so the pool discards the connection; that is the error
	}
	return err
}

// Restore decrypts a backup made by Backup into dataDir, which must not hold
// a database yet. The database appears only once it has decrypted in full
// and passed SQLite's integrity check, so a failed restore leaves nothing
// behind.
func Restore(ctx context.Context, r io.Reader, dataDir string, masterKey []byte) (BackupInfo, error) {
	if len(masterKey) != MasterKeySize {
		return BackupInfo{}, errors.New("restore: the master key must be 32 bytes")
	}
	if err := os.MkdirAll(dataDir, 0o700); err != nil {
		return BackupInfo{}, problem.New(problem.Unavailable, "cannot create the data directory %s", dataDir)
	}
	final := filepath.Join(dataDir, SQLiteFile)
	if err := refuseExisting(final); err != nil {
		return BackupInfo{}, err
	}
	tmp, err := os.CreateTemp(dataDir, ".restore-*.db")
	if err != nil {
		return BackupInfo{}, problem.New(problem.Unavailable, "cannot write in the data directory %s", dataDir)
	}
	name := tmp.Name()
	defer removeSQLiteFiles(name)
	bw := bufio.NewWriterSize(tmp, backupChunk)
	err = decryptBackup(bw, r, masterKey)
	if err == nil {
		err = bw.Flush()
	}
	if err == nil {
		err = tmp.Sync() // durable before it takes the database's name
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return BackupInfo{}, err
	}
	info, err := inspectSQLite(ctx, name, true)
	if err != nil {
		return BackupInfo{}, err
	}
	// A link, unlike a rename, fails if the name is taken: a server or a
	// second restore that created a database meanwhile is never overwritten.
	if err := os.Link(name, final); err != nil {
		if errors.Is(err, os.ErrExist) {
			return BackupInfo{}, refuseExisting(final)
		}
		return BackupInfo{}, fmt.Errorf("restore: %w", err)
	}
	syncDir(dataDir)
	return info, nil
}

// refuseExisting explains why a restore will not overwrite a database.
func refuseExisting(path string) error {
	for _, p := range []string{path, path + "-wal"} {
		if _, err := os.Stat(p); err == nil {
			return problem.New(problem.Conflict,
				"%s already holds a database; restore only into an empty data directory", filepath.Dir(path))
		}
	}
	return nil
}

// removeSQLiteFiles removes a temporary database and any journal beside it.
func removeSQLiteFiles(path string) {
	for _, suffix := range []string{"", "-wal", "-shm", "-journal"} {
		os.Remove(path + suffix) // #nosec G104 -- removing a temporary file that may not exist
	}
}

// syncDir makes a new name in dir durable. Some systems cannot sync a
// directory; the file's own data is already synced, so that is not an error.
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil { // #nosec G304 -- the data directory the operator configured
		_ = d.Sync() // best effort: the file itself is already synced
		d.Close()    // #nosec G104 -- syncing the directory is best effort: the file itself is already synced
	}
}

// inspectSQLite opens a database file on its own connection and reads what a
// backup or restore reports. check runs the full integrity check and
// confirms the file is a Doorway database.
func inspectSQLite(ctx context.Context, path string, check bool) (BackupInfo, error) {
	// Read-only and immutable: the copy must not grow a journal or change.
	db, err := sql.Open("sqlite", "file:"+filepath.ToSlash(path)+"?mode=ro&immutable=1")
	if err != nil {
		return BackupInfo{}, err
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	if check {
		var res string
		if err := db.QueryRowContext(ctx, `PRAGMA integrity_check`).Scan(&res); err != nil || res != "ok" {
			return BackupInfo{}, problem.New(problem.Invalid, "the backup decrypted but the database in it fails SQLite's integrity check")
		}
		var n int
		if err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM schema_migrations`).Scan(&n); err != nil {
			return BackupInfo{}, problem.New(problem.Invalid, "the backup does not hold a Doorway database")
		}
	}
	info := BackupInfo{Head: audit.Genesis}
	err = db.QueryRowContext(ctx, `SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1`).Scan(&info.Head.Seq, &info.Head.Hash)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return BackupInfo{}, fmt.Errorf("read the audit head: %w", err)
	}
	if info.Rows, err = countRows(ctx, db, engineSQLite); err != nil {
		return BackupInfo{}, err
	}
	return info, nil
}

// RowCounts counts the rows of every table, for reports and for tests that
// compare a restored database with its original.
func (s *Store) RowCounts(ctx context.Context) (map[string]int64, error) {
	return countRows(ctx, s.r, s.eng)
}

func countRows(ctx context.Context, db *sql.DB, eng engine) (map[string]int64, error) {
	q := `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`
	if eng == enginePostgres {
		q = `SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'`
	}
	rows, err := db.QueryContext(ctx, q)
	if err != nil {
		return nil, err
	}
	tables, err := scanAll(rows, func(t *string) error { return rows.Scan(t) })
	if err != nil {
		return nil, err
	}
	out := make(map[string]int64, len(tables))
	for _, t := range tables {
		// The names come from the catalogue, not from input; quoting still
		// keeps an odd one from breaking the statement.
		var n int64
		if err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM "`+strings.ReplaceAll(t, `"`, `""`)+`"`).Scan(&n); err != nil {
			return nil, err
		}
		out[t] = n
	}
	return out, nil
}

// backupKeys derives one backup's encryption and key-check keys from the
// master key and the backup's salt, so no two backups share a key and the
// master key itself never touches the data.
func backupKeys(master, salt []byte) (cipher.AEAD, []byte, error) {
	encKey, err := hkdf.Key(sha256.New, master, salt, "doorway backup v1 encryption", 32)
	if err != nil {
		return nil, nil, err
	}
	checkKey, err := hkdf.Key(sha256.New, master, salt, "doorway backup v1 key check", 32)
	if err != nil {
		return nil, nil, err
	}
	block, err := aes.NewCipher(encKey)
	if err != nil {
		return nil, nil, err
	}
	aead, err := cipher.NewGCM(block)
	return aead, checkKey, err
}

func keyCheck(checkKey, aad []byte) []byte {
	m := hmac.New(sha256.New, checkKey)
	m.Write(aad)
	return m.Sum(nil)[:backupCheckLen]
}

func chunkNonce(prefix []byte, i uint32, last bool) []byte {
	n := make([]byte, 0, 12)
	n = append(n, prefix...)
	n = binary.BigEndian.AppendUint32(n, i)
	if last {
		return append(n, 1)
	}
	return append(n, 0)
}

// encryptBackup writes the header and src in chunks to dst.
func encryptBackup(dst io.Writer, src io.Reader, master []byte) error {
	hdr := make([]byte, backupAADLen, backupHeaderLen)
	copy(hdr, backupMagic)
	hdr[len(backupMagic)] = backupVersion
	rand.Read(hdr[len(backupMagic)+1:]) // salt and nonce prefix; never fails
	aad := hdr[:backupAADLen]
	salt := aad[len(backupMagic)+1 : len(backupMagic)+1+backupSaltLen]
	prefix := aad[backupAADLen-backupPrefixLen:]
	aead, checkKey, err := backupKeys(master, salt)
	if err != nil {
		return err
	}
	hdr = append(hdr, keyCheck(checkKey, aad)...)
	if _, err := dst.Write(hdr); err != nil {
		return err
	}
	br := bufio.NewReaderSize(src, backupChunk)
	buf := make([]byte, backupChunk)
	out := make([]byte, 0, backupChunk+aead.Overhead())
	for i := uint32(0); ; i++ {
		n, err := io.ReadFull(br, buf)
		last := false
		switch {
		case err == io.EOF || err == io.ErrUnexpectedEOF:
			last = true
		case err != nil:
			return err
		default:
			// A full chunk is the last one if nothing follows it.
			if _, perr := br.Peek(1); perr == io.EOF {
				last = true
			} else if perr != nil {
				return perr
			}
		}
		if !last && i == math.MaxUint32 {
			return errors.New("backup: the database is too large for this backup format")
		}
		out = aead.Seal(out[:0], chunkNonce(prefix, i, last), buf[:n], aad)
		if _, err := dst.Write(out); err != nil {
			return err
		}
		if last {
			return nil
		}
	}
}

// decryptBackup checks the header and writes the plaintext of src to dst.
// It fails, without saying more than a person can act on, if the key is
// wrong or the file was altered or cut short; dst may by then hold a prefix
// of the plaintext, which the caller discards.
func decryptBackup(dst io.Writer, src io.Reader, master []byte) error {
	hdr := make([]byte, backupHeaderLen)
	if _, err := io.ReadFull(src, hdr); err != nil || string(hdr[:len(backupMagic)]) != backupMagic {
		return problem.New(problem.Invalid, "that file is not a Doorway backup")
	}
	if v := hdr[len(backupMagic)]; v != backupVersion {
		return problem.New(problem.Invalid, "that backup is in format version %d, which this version of Doorway cannot read", v)
	}
	aad := hdr[:backupAADLen]
	salt := aad[len(backupMagic)+1 : len(backupMagic)+1+backupSaltLen]
	prefix := aad[backupAADLen-backupPrefixLen:]
	aead, checkKey, err := backupKeys(master, salt)
	if err != nil {
		return err
	}
	if !hmac.Equal(keyCheck(checkKey, aad), hdr[backupAADLen:]) {
		return problem.New(problem.Invalid, "that backup was made with a different master key (or its header is damaged)")
	}
	damaged := problem.New(problem.Invalid, "the backup is damaged or incomplete: it does not decrypt")
	br := bufio.NewReaderSize(src, backupChunk+aead.Overhead()+1)
	buf := make([]byte, backupChunk+aead.Overhead())
	var plain []byte
	for i := uint32(0); ; i++ {
		n, err := io.ReadFull(br, buf)
		last := false
		switch {
		case err == io.EOF:
			return damaged // the final chunk is missing
		case err == io.ErrUnexpectedEOF:
			last = true
		case err != nil:
			return err
		default:
			if _, perr := br.Peek(1); perr == io.EOF {
				last = true
			} else if perr != nil {
				return perr
			}
		}
		plain, err = aead.Open(plain[:0], chunkNonce(prefix, i, last), buf[:n], aad)
		if err != nil {
			return damaged
		}
		if _, err := dst.Write(plain); err != nil {
			return err
		}
		if last {
			return nil
		}
		if i == math.MaxUint32 {
			return damaged
		}
	}
}
