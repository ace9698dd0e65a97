/*
 * cnull: /dev/null and /dev/zero as a FUSE file, written against libfuse3's low-level API. The baseline of the FUSE
 * benchmark (run.sh): what a user would write by hand to serve a device-like file from user space, to compare the
 * wdf4j null device's FUSE file with.
 *
 *   cnull [-s] [-o clone_fd] [-o max_idle_threads=N] [-o max_threads=N] [-f] [-d] MOUNTPOINT
 *
 * The mount point becomes a directory holding one file, null0 (mode 0666, size 0). Opens answer with direct_io and
 * nonseekable, as the wdf4j FUSE server does: no page cache, every read(2) and write(2) is one FUSE request of the
 * program's size. With -DHAVE_PARALLEL_DIRECT_WRITES (a libfuse whose fuse_file_info has parallel_direct_writes;
 * run.sh probes for it) opens also allow parallel direct writes, as wdf4j's do (FOPEN_PARALLEL_DIRECT_WRITES);
 * libfuse 3.14 cannot, and the kernel then serializes the writes of several writers on the inode's lock. wdf4j also
 * sets FOPEN_STREAM, which libfuse cannot either and which only drops the file-position lock, not taken when each
 * program has its own open file. A read answers `size` zero bytes from a
 * static buffer; a write answers `size` without looking at the data. Attributes and names are cached by the kernel
 * for a day: the benchmark measures reads and writes, not lookups.
 *
 * The default is libfuse's multi-threaded loop with its defaults (a worker per request in flight, up to 10; -o
 * max_threads=N from libfuse 3.12 on); -s runs the single-threaded loop. max_write is 128 KiB, as in wdf4j (libfuse
 * 3.14 would offer 1 MiB; reads and writes of at most 64 KiB, which the benchmark does, are not split either way).
 * No write_buf, so libfuse reads requests from /dev/fuse with read(2), not splice: one copy in, as in wdf4j.
 */
#ifndef FUSE_USE_VERSION
#define FUSE_USE_VERSION 34
#endif
#include <fuse_lowlevel.h>

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define FILE_NAME "null0"
#define FILE_INO 2
#define MAX_WRITE (128 * 1024)
#define CACHE_SECONDS 86400.0

/* What reads answer with: the largest read the kernel sends is max_pages pages (256 at most). */
static const char zeros[1024 * 1024];

static int null_stat(fuse_ino_t ino, struct stat *st)
{
	memset(st, 0, sizeof(*st));
	st->st_ino = ino;
	st->st_uid = getuid();
	st->st_gid = getgid();
	if (ino == FUSE_ROOT_ID) {
		st->st_mode = S_IFDIR | 0755;
		st->st_nlink = 2;
	} else if (ino == FILE_INO) {
		st->st_mode = S_IFREG | 0666;
		st->st_nlink = 1;
	} else {
		return -1;
	}
	return 0;
}

static void null_init(void *userdata, struct fuse_conn_info *conn)
{
	(void) userdata;
	conn->max_write = MAX_WRITE;
}

static void null_lookup(fuse_req_t req, fuse_ino_t parent, const char *name)
{
	struct fuse_entry_param e;
	if (parent != FUSE_ROOT_ID || strcmp(name, FILE_NAME) != 0) {
		fuse_reply_err(req, ENOENT);
		return;
	}
	memset(&e, 0, sizeof(e));
	e.ino = FILE_INO;
	e.attr_timeout = CACHE_SECONDS;
	e.entry_timeout = CACHE_SECONDS;
	null_stat(e.ino, &e.attr);
	fuse_reply_entry(req, &e);
}

static void null_getattr(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	struct stat st;
	(void) fi;
	if (null_stat(ino, &st) != 0)
		fuse_reply_err(req, ENOENT);
	else
		fuse_reply_attr(req, &st, CACHE_SECONDS);
}

static void null_readdir(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off, struct fuse_file_info *fi)
{
	static const struct { const char *name; fuse_ino_t ino; } entries[] = {
		{ ".", FUSE_ROOT_ID }, { "..", FUSE_ROOT_ID }, { FILE_NAME, FILE_INO },
	};
	char buf[512];
	size_t used = 0;
	(void) fi;
	if (ino != FUSE_ROOT_ID) {
		fuse_reply_err(req, ENOTDIR);
		return;
	}
	if (size > sizeof(buf))
		size = sizeof(buf);
	/* off is the index of the next entry; each entry records the offset of the one after it */
	for (off_t i = off; i < (off_t) (sizeof(entries) / sizeof(entries[0])); i++) {
		struct stat st = { .st_ino = entries[i].ino, .st_mode = i == 2 ? S_IFREG : S_IFDIR };
		size_t n = fuse_add_direntry(req, buf + used, size - used, entries[i].name, &st, i + 1);
		if (n > size - used)
			break;
		used += n;
	}
	fuse_reply_buf(req, buf, used);
}

static void null_open(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	if (ino != FILE_INO) {
		fuse_reply_err(req, EISDIR);
		return;
	}
	fi->direct_io = 1;
	fi->nonseekable = 1;
#ifdef HAVE_PARALLEL_DIRECT_WRITES
	/* without it the kernel takes the inode's lock around each write: writers of the file go one at a time */
	fi->parallel_direct_writes = 1;
#endif
	fuse_reply_open(req, fi);
}

static void null_read(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off, struct fuse_file_info *fi)
{
	(void) ino; (void) off; (void) fi;
	fuse_reply_buf(req, zeros, size < sizeof(zeros) ? size : sizeof(zeros));
}

static void null_write(fuse_req_t req, fuse_ino_t ino, const char *buf, size_t size, off_t off,
		       struct fuse_file_info *fi)
{
	(void) ino; (void) buf; (void) off; (void) fi;
	fuse_reply_write(req, size);
}

static const struct fuse_lowlevel_ops null_ops = {
	.init = null_init,
	.lookup = null_lookup,
	.getattr = null_getattr,
	.readdir = null_readdir,
	.open = null_open,
	.read = null_read,
	.write = null_write,
};

int main(int argc, char *argv[])
{
	struct fuse_args args = FUSE_ARGS_INIT(argc, argv);
	struct fuse_cmdline_opts opts;
	struct fuse_session *se;
	int ret = 1;

	if (fuse_parse_cmdline(&args, &opts) != 0)
		return 1;
	if (opts.show_help || opts.mountpoint == NULL) {
		printf("usage: %s [-s] [-f] [-o clone_fd] [-o max_idle_threads=N] MOUNTPOINT\n\n", argv[0]);
		fuse_cmdline_help();
		fuse_lowlevel_help();
		ret = opts.show_help ? 0 : 1;
		goto out1;
	}
	se = fuse_session_new(&args, &null_ops, sizeof(null_ops), NULL);
	if (se == NULL)
		goto out1;
	if (fuse_set_signal_handlers(se) != 0)
		goto out2;
	if (fuse_session_mount(se, opts.mountpoint) != 0)
		goto out3;
	fuse_daemonize(opts.foreground);

	if (opts.singlethread) {
		ret = fuse_session_loop(se);
	} else {
#if FUSE_USE_VERSION >= 312
		struct fuse_loop_config *config = fuse_loop_cfg_create();
		fuse_loop_cfg_set_clone_fd(config, opts.clone_fd);
		if (opts.max_idle_threads != UINT_MAX) /* UINT_MAX: not given, keep libfuse's default */
			fuse_loop_cfg_set_idle_threads(config, opts.max_idle_threads);
		fuse_loop_cfg_set_max_threads(config, opts.max_threads);
		ret = fuse_session_loop_mt(se, config);
		fuse_loop_cfg_destroy(config);
#else
		struct fuse_loop_config config = { .clone_fd = opts.clone_fd, .max_idle_threads = opts.max_idle_threads };
		ret = fuse_session_loop_mt(se, &config);
#endif
	}

	fuse_session_unmount(se);
out3:
	fuse_remove_signal_handlers(se);
out2:
	fuse_session_destroy(se);
out1:
	free(opts.mountpoint);
	fuse_opt_free_args(&args);
	return ret ? 1 : 0;
}
