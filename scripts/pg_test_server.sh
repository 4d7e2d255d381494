#!/bin/sh
# pg_test_server.sh -- a throwaway PostgreSQL server for the test suite
# (docs/postgresql.md section 1; scripts/setup.sh test uses it).
#
#   sh scripts/pg_test_server.sh start DIR   makes a cluster in DIR, starts it, creates the
#                                            database aimaq_test and prints its URI, the
#                                            value for AQ_TEST_DB:
#                                            postgresql://aimaq@/aimaq_test?host=DIR&port=PORT
#   sh scripts/pg_test_server.sh stop DIR    stops that server and removes DIR
#
# A test server, never a deployment: it listens on a Unix socket in DIR only
# (no TCP), trusts every local connection (role aimaq, a superuser, so tests
# may create and drop databases), and runs with fsync off. A second role,
# aimaq_plain (LOGIN CREATEDB, nothing else), is what a deployment's role
# usually is: the same URI with aimaq_plain@ runs tests through the paths a
# role without superuser rights takes (an import keeps its foreign-key
# triggers). PostgreSQL refuses
# to run as root, so as root the cluster belongs to the user postgres (which
# must be able to reach DIR); otherwise to the current user.
#
# The port only names the socket file (DIR/.s.PGSQL.PORT), so no other server
# can hold it: AQ_PG_PORT chooses it, default 5432. PG_BIN names the
# directory of initdb, pg_ctl and postgres when they are not in
# /usr/lib/postgresql/<version>/bin or on PATH.
set -eu

die() { echo "pg_test_server: $*" >&2; exit 1; }
now_ms() { date +%s%3N; }

usage() { die "usage: sh scripts/pg_test_server.sh start|stop DIR"; }
[ $# -eq 2 ] || usage
cmd=$1
dir=$2
marker=.aimaq-pg-test # says DIR is ours: stop removes only such directories

# The server's programs: PG_BIN, else Debian's newest version, else PATH.
find_bin() {
  if [ -n "${PG_BIN:-}" ]; then
    echo "$PG_BIN"
  elif ls -d /usr/lib/postgresql/*/bin > /dev/null 2>&1; then
    ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1
  elif command -v initdb > /dev/null 2>&1; then
    dirname "$(command -v initdb)"
  fi
}

# as_owner CMD: runs the shell command CMD as the cluster's owner.
as_owner() {
  if [ "$(id -u)" -eq 0 ]; then
    su postgres -s /bin/sh -c "$1"
  else
    sh -c "$1"
  fi
}

start() {
  t0=$(now_ms)
  bin=$(find_bin)
  [ -n "$bin" ] && [ -x "$bin/initdb" ] && [ -x "$bin/pg_ctl" ] ||
    die "PostgreSQL is not installed (no initdb/pg_ctl in /usr/lib/postgresql/*/bin or on PATH): apt-get install postgresql, or set PG_BIN"
  command -v psql > /dev/null 2>&1 || die "psql is not installed: apt-get install postgresql-client"
  if [ "$(id -u)" -eq 0 ] && ! id postgres > /dev/null 2>&1; then
    die "running as root, but there is no user 'postgres' to own the cluster (PostgreSQL refuses root)"
  fi
  port=${AQ_PG_PORT:-5432}
  case "$port" in '' | *[!0-9]*) die "AQ_PG_PORT must be a port number, not '$port'" ;; esac

  [ ! -e "$dir" ] || [ -z "$(ls -A "$dir" 2> /dev/null)" ] ||
    die "'$dir' exists and is not empty (a server there? stop it with: sh scripts/pg_test_server.sh stop $dir)"
  mkdir -p "$dir"
  dir=$(cd "$dir" && pwd)
  # DIR goes into a URI and a shell command line: plain characters only.
  case "$dir" in *[!A-Za-z0-9/._-]*) die "'$dir' has characters a URI would need escaped; use a plain path" ;; esac
  # A Unix socket's path holds at most 107 bytes: DIR/.s.PGSQL.PORT.lock must fit.
  [ ${#dir} -le 80 ] || die "'$dir' is too long for a Unix socket's path (${#dir} bytes; at most 80)"
  : > "$dir/$marker"
  chmod 700 "$dir"
  if [ "$(id -u)" -eq 0 ]; then
    chown postgres "$dir"
    su postgres -s /bin/sh -c "test -w '$dir'" ||
      die "the user postgres cannot write '$dir' (a parent directory closed to it?)"
  fi

  as_owner "'$bin/initdb' -D '$dir/data' -U aimaq --auth=trust -E UTF8 --locale=C.UTF-8 -N" > "$dir/initdb.log" 2>&1 ||
    { tail -5 "$dir/initdb.log" >&2; die "initdb failed (log: $dir/initdb.log)"; }
  t1=$(now_ms)
  # Socket in DIR only; durability off (a crash loses a throwaway cluster);
  # connections for ctest -j, the server tests' workers and their writers.
  as_owner "'$bin/pg_ctl' -D '$dir/data' -l '$dir/server.log' -w -t 30 -o \"-k '$dir' -p $port \
-c listen_addresses= -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200\" start" \
    > "$dir/pg_ctl.log" 2>&1 ||
    { tail -5 "$dir/server.log" >&2; die "the server did not start (log: $dir/server.log)"; }
  t2=$(now_ms)
  # LOCALE 'C': ORDER BY code in byte order, as SQLite's BINARY collation.
  psql -X -q -h "$dir" -p "$port" -U aimaq -d postgres \
    -c "CREATE DATABASE aimaq_test TEMPLATE template0 ENCODING 'UTF8' LOCALE 'C'" \
    -c "CREATE ROLE aimaq_plain LOGIN CREATEDB" > /dev/null ||
    die "cannot create the database aimaq_test or the role aimaq_plain (log: $dir/server.log)"
  t3=$(now_ms)
  echo "pg_test_server: PostgreSQL $("$bin/postgres" --version | awk "{print \$3}") in $dir, port $port:" \
    "initdb $((t1 - t0)) ms, start $((t2 - t1)) ms, CREATE DATABASE $((t3 - t2)) ms" >&2
  echo "postgresql://aimaq@/aimaq_test?host=$dir&port=$port"
}

stop() {
  [ -d "$dir" ] || die "no directory '$dir'"
  [ -e "$dir/$marker" ] || die "'$dir' was not made by pg_test_server.sh start; not touching it"
  dir=$(cd "$dir" && pwd)
  if [ -f "$dir/data/postmaster.pid" ]; then
    bin=$(find_bin)
    [ -n "$bin" ] && [ -x "$bin/pg_ctl" ] || die "PostgreSQL's pg_ctl is not installed; cannot stop the server in '$dir'"
    as_owner "'$bin/pg_ctl' -D '$dir/data' -m fast -w -t 30 stop" > /dev/null 2>&1 ||
      die "pg_ctl stop failed for '$dir/data' (log: $dir/server.log)"
  fi
  rm -rf "$dir"
}

case "$cmd" in
  start) start ;;
  stop) stop ;;
  *) usage ;;
esac
