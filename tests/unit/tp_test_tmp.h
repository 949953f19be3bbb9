/* Temporary database paths for the unit tests: a unique path under $TMPDIR
 * (else /tmp) for a test to create a store at, and the removal of that
 * database with its SQLite -wal and -shm files afterwards.
 *
 * Header only (static functions): include it as "unit/tp_test_tmp.h"; the
 * tests' include path has tests/ on it (tp_unit_test in tests/CMakeLists.txt). */
#ifndef TP_TEST_TMP_H
#define TP_TEST_TMP_H

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Writes to path (size bytes) a new unique path "DIR/PREFIX-XXXXXX", DIR
 * being $TMPDIR if set and not empty, else /tmp. The name is reserved with
 * mkstemp, then the file is closed and removed, so that nothing exists at
 * path: the test creates its database there. Returns 0, or -1 if the path
 * does not fit in size bytes or mkstemp fails. */
static inline int tp_test_tmp_path(char *path, size_t size, const char *prefix)
{
	const char *dir = getenv("TMPDIR");
	int n = snprintf(path, size, "%s/%s-XXXXXX", dir && *dir ? dir : "/tmp", prefix);
	if (n < 0 || (size_t)n >= size)
		return -1;
	int fd = mkstemp(path);
	if (fd < 0)
		return -1;
	close(fd);
	unlink(path);
	return 0;
}

/* Removes the database at path and its "PATH-wal" and "PATH-shm" files,
 * those that exist (a missing one is not an error). */
static inline void tp_test_tmp_remove_db(const char *path)
{
	static const char *const suffixes[] = {"-wal", "-shm"};
	size_t len = strlen(path);
	char *p = malloc(len + sizeof "-wal");
	unlink(path);
	if (!p)
		return;
	for (size_t i = 0; i < sizeof suffixes / sizeof suffixes[0]; i++) {
		memcpy(p, path, len);
		memcpy(p + len, suffixes[i], strlen(suffixes[i]) + 1);
		unlink(p);
	}
	free(p);
}

#endif
