package APIGW::Runner;

# A Test::Nginx::Socket-compatible data-driven test runner, written from
# scratch for this project (Debian does not package Test::Nginx).
#
# Test files do not use this module directly: they say `use t::APIGW ...;`
# and t/APIGW.pm picks either CPAN's Test::Nginx::Socket (when installed)
# or this runner.  The block/section format follows Test::Nginx::Socket's
# documentation; see the POD at the end of this file for what is supported.
#
# Flow of run_tests(): for every block (in file order)
#   1. run add_block_preprocessor() hooks,
#   2. wipe the server root, write conf/nginx.conf and the user files,
#   3. start nginx in the foreground as our child (own process group),
#   4. repeat_each() times: send the request(s), check the response(s),
#      then check the part of the error log written meanwhile,
#   5. stop nginx (QUIT, then TERM, then KILL of the whole process group).
# An END block makes sure no nginx is left behind, even when a test dies.

use strict;
use warnings;

# Test::Base is loaded but not imported here: t/APIGW.pm calls
# Test::Base::import with this class name, which makes APIGW::Runner the
# default Test::Base class (blocks() etc.) and exports @EXPORT to the test.
use Test::Base ();
our @ISA = ('Test::Base');

use Test::More ();
use Cwd ();
use Errno ();
use Fcntl ();
use File::Path ();
use File::Spec ();
use IO::Select;
use IO::Socket::INET;
use POSIX ();
use Time::HiRes ();

our @EXPORT = qw(
    run_tests repeat_each workers master_on master_off master_process_enabled
    no_shuffle shuffle log_level no_long_string no_root_location
    worker_connections server_port server_port_for_client server_root
    html_dir bail_out env_to_nginx add_block_preprocessor
    check_accum_error_log no_check_leak use_hup add_response_body_check
    $ServerPort $ServRoot $NginxBinary
);

# ---------------------------------------------------------------------------
# configuration (set through the exported functions)
# ---------------------------------------------------------------------------

our $ServerPort = $ENV{TEST_NGINX_PORT} || $ENV{TEST_NGINX_SERVER_PORT} || 1984;
our $ServRoot = File::Spec->rel2abs($ENV{TEST_NGINX_SERVROOT} || 't/servroot');
our $NginxBinary;               # resolved lazily, see nginx_binary()

# Make these visible to $TEST_NGINX_* expansion in the test sections.
$ENV{TEST_NGINX_SERVER_PORT} = $ServerPort;
$ENV{TEST_NGINX_SERVROOT}    = $ServRoot;
$ENV{TEST_NGINX_HTML_DIR}    = "$ServRoot/html";

my $RepeatEach        = 1;
my $Workers           = 1;
my $MasterOn          = 0;
my $LogLevel          = 'debug';      # Test::Nginx's default
my $RootLocation      = 1;
my $WorkerConnections = 1024;
my $AccumErrorLog     = 0;
my $UseHup            = 0;           # reload nginx between blocks
my $DefaultTimeout    = 10;          # seconds, per request exchange
my @EnvToNginx;
my @BlockPreprocessors;
my @ResponseBodyChecks;

# sections whose array form means one entry per request (check_response)
my @PerResponseSections = qw(error_code response_body response_body_like
    response_body_unlike response_headers response_headers_like
    raw_response_headers_like raw_response_headers_unlike);

my $MainPid = $$;                    # END only cleans up in this process
my $NginxPid;                        # our running nginx child, if any
my $NginxVersion;                    # e.g. "1.22.1", see nginx_version()

sub repeat_each {
    $RepeatEach = shift if @_;
    return $RepeatEach;
}

sub workers {
    $Workers = shift if @_;
    return $Workers;
}

sub master_on  { $MasterOn = 1 }
sub master_off { $MasterOn = 0 }

sub master_process_enabled {
    $MasterOn = shift() ? 1 : 0 if @_;
    return $MasterOn;
}

sub log_level {
    $LogLevel = shift if @_;
    return $LogLevel;
}

sub worker_connections {
    $WorkerConnections = shift if @_;
    return $WorkerConnections;
}

sub no_root_location      { $RootLocation = 0 }
sub check_accum_error_log { $AccumErrorLog = 1 }

# Blocks always run in file order; these exist for compatibility only.
sub no_shuffle     { }
sub shuffle        { }
sub no_long_string { }
sub no_check_leak  { }

# With master_on(): a block after the first reloads the running nginx with
# its configuration (SIGHUP), as Test::Nginx does, instead of a restart;
# the server root is kept, so shared memory and files outlive the block.
sub use_hup        { $UseHup = 1 }

sub server_port            { return $ServerPort }
sub server_port_for_client { return $ServerPort }
sub server_root            { return $ServRoot }
sub html_dir               { return "$ServRoot/html" }

sub env_to_nginx           { push @EnvToNginx, @_ }
sub add_block_preprocessor { push @BlockPreprocessors, @_ }

# Test::Nginx::Socket's hook: called as ($block, $body, $req_idx,
# $repeated_req_idx, $dry_run) after each response's checks, while nginx
# still runs; it makes its own Test::More assertions.
sub add_response_body_check { push @ResponseBodyChecks, @_ }

sub bail_out {
    stop_nginx();
    Test::More::BAIL_OUT(@_);
}

# ---------------------------------------------------------------------------
# small helpers
# ---------------------------------------------------------------------------

sub slurp {
    my ($file, $offset) = @_;
    open my $fh, '<:raw', $file or return '';
    seek $fh, $offset, 0 if $offset;
    local $/;
    my $data = <$fh>;
    return defined $data ? $data : '';
}

sub spew {
    my ($file, $data) = @_;
    open my $fh, '>:raw', $file or die "cannot write $file: $!\n";
    print {$fh} $data;
    close $fh or die "cannot write $file: $!\n";
}

# Replace $TEST_NGINX_FOO / ${TEST_NGINX_FOO} by the environment's value.
sub expand_env {
    my ($text, $block, $section) = @_;
    return $text unless defined $text && !ref $text;
    $text =~ s{\$(?:\{(TEST_NGINX_[A-Z0-9_]+)\}|(TEST_NGINX_[A-Z0-9_]+))}{
        my $var = defined $1 ? $1 : $2;
        defined $ENV{$var} ? $ENV{$var}
            : die sprintf "%s: environment variable %s (used in --- %s) "
                        . "is not defined\n", $block->name, $var, $section;
    }ge;
    return $text;
}

# A section's value with $TEST_NGINX_* expanded (in every string element
# when the value is an array ref, e.g. from `--- request eval`).
sub section {
    my ($block, $name) = @_;
    my $v = $block->$name;
    return $v unless defined $v;
    return [ map { ref $_ ? $_ : expand_env($_, $block, $name) } @$v ]
        if ref $v eq 'ARRAY';
    return expand_env($v, $block, $name);
}

# Did the test author put the `eval` filter on that section?
sub has_filter {
    my ($block, $name, $filter) = @_;
    my $all = $block->_section_map;
    my $map = $all && $all->{$name};
    return 0 unless $map && defined $map->{filters};
    return scalar grep { $_ eq $filter } split ' ', $map->{filters};
}

# The expected value for response number $i: array refs hold one entry per
# request (Test::Nginx convention), anything else applies to all of them.
sub nth {
    my ($v, $i) = @_;
    return ref $v eq 'ARRAY' ? $v->[$i] : $v;
}

sub trim {
    my $s = shift;
    return $s unless defined $s;
    $s =~ s/^\s+|\s+$//g;
    return $s;
}

# Printable version of a string for diagnostics.
sub show {
    my ($s, $max) = @_;
    return 'undef' unless defined $s;
    $max ||= 2000;
    my $cut = length($s) > $max;
    $s = substr($s, 0, $max) if $cut;
    $s =~ s/([\\"])/\\$1/g;
    $s =~ s/\r/\\r/g;
    $s =~ s/\t/\\t/g;
    $s =~ s/\n(?=.)/\\n\n/gs;           # keep multi-line strings readable
    $s =~ s/\n\z/\\n/;
    $s =~ s/([^\x20-\x7e\n])/sprintf('\\x%02x', ord $1)/ge;
    return qq{"$s"} . ($cut ? ' ...(truncated)' : '');
}

sub tail_lines {
    my ($text, $n) = @_;
    my @lines = split /\n/, $text;
    splice @lines, 0, @lines - $n if @lines > $n;
    return join '', map { "    $_\n" } @lines;
}

sub port_open {
    my ($port) = @_;
    my $s = IO::Socket::INET->new(PeerAddr => '127.0.0.1', PeerPort => $port,
                                  Proto => 'tcp', Timeout => 1);
    return 0 unless $s;
    close $s;
    return 1;
}

# ---------------------------------------------------------------------------
# the nginx binary
# ---------------------------------------------------------------------------

sub nginx_binary {
    return $NginxBinary if defined $NginxBinary;
    if ($ENV{TEST_NGINX_BINARY}) {
        $NginxBinary = $ENV{TEST_NGINX_BINARY};
    } else {
        for my $dir (File::Spec->path) {
            my $f = File::Spec->catfile($dir, 'nginx');
            if (-f $f && -x _) { $NginxBinary = $f; last }
        }
        $NginxBinary //= '/usr/sbin/nginx';
    }
    return $NginxBinary;
}

sub nginx_version {
    return $NginxVersion if defined $NginxVersion;
    my $bin = nginx_binary();
    my $out = `"$bin" -v 2>&1`;
    die "cannot run the nginx binary $bin (set TEST_NGINX_BINARY)\n"
        unless defined $out && $out =~ m{nginx version: \S+?/(\d+(?:\.\d+)*)};
    return $NginxVersion = $1;
}

sub version_cmp {
    my @a = split /\./, shift;
    my @b = split /\./, shift;
    while (@a || @b) {
        my $c = (shift(@a) // 0) <=> (shift(@b) // 0);
        return $c if $c;
    }
    return 0;
}

# ---------------------------------------------------------------------------
# server root and nginx.conf
# ---------------------------------------------------------------------------

sub wipe_servroot {
    if (-d $ServRoot) {
        # Safety net against a mistyped TEST_NGINX_SERVROOT: only delete a
        # directory that looks like a test server root.
        die "refusing to delete $ServRoot: its name does not contain "
          . "'servroot' and it has no .apigw-servroot marker\n"
            unless $ServRoot =~ m{servroot[^/]*/?$}
                || -e "$ServRoot/.apigw-servroot";
        File::Path::remove_tree($ServRoot, { keep_root => 1 });
    }
    File::Path::make_path(map { "$ServRoot/$_" } qw(conf html logs));
    spew("$ServRoot/.apigw-servroot", "created by t/lib/APIGW/Runner.pm\n");
}

# `>>> name [YYYYMMDDhhmm[.ss]]` lines, each followed by the file's content; or
# (with `eval`) an array ref of [name, content, optional mtime] entries.
sub write_user_files {
    my ($block) = @_;
    my $spec = $block->user_files;
    return unless defined $spec;
    my @files;
    if (ref $spec eq 'ARRAY') {
        @files = map { [@$_] } @$spec;
    } else {
        for my $line (split /^/m, $spec) {
            if ($line =~ /^>>> (\S+)(?:[ \t]+(\d{12}(?:\.\d\d)?))?[ \t]*\r?$/) {
                push @files, [$1, '', $2];
            } elsif (@files) {
                $files[-1][1] .= $line;
            } elsif ($line =~ /\S/) {
                die $block->name . ": --- user_files must start with a "
                  . "'>>> file-name' line\n";
            }
        }
    }
    for my $f (@files) {
        my ($name, $content, $mtime) = @$f;
        die $block->name . ": bad user_files name '$name'\n"
            if $name =~ m{(?:^|/)\.\.(?:/|$)} || $name =~ m{^/};
        my $path = "$ServRoot/html/$name";
        (my $dir = $path) =~ s{/[^/]+$}{};
        File::Path::make_path($dir);
        spew($path, defined $content ? $content : '');
        # YYYYMMDDhhmm[.ss] in local time, as `touch -t` takes it
        if ($mtime && $mtime =~ /^(\d{4})(\d\d)(\d\d)(\d\d)(\d\d)(?:\.(\d\d))?$/) {
            my $t = POSIX::mktime($6 || 0, $5, $4, $3, $2 - 1, $1 - 1900);
            utime $t, $t, $path;
        }
    }
}

# A config snippet, newline-terminated (or '' when absent).
sub with_nl {
    my ($text) = @_;
    return '' unless defined $text && length $text;
    $text .= "\n" unless $text =~ /\n\z/;
    return $text;
}

sub nginx_conf {
    my ($block) = @_;
    my $level = trim(scalar $block->log_level) || $LogLevel;
    my $main  = section($block, 'main_config');
    my $http  = section($block, 'http_config');
    my $srv   = section($block, 'config');

    my $conf = "# generated by t/lib/APIGW/Runner.pm for: " . $block->name . "\n";
    for my $mod (split ' ', $ENV{TEST_NGINX_LOAD_MODULES} || '') {
        $conf .= "load_module $mod;\n";
    }
    # As root, workers would otherwise run as "nobody".
    $conf .= "user root;\n"
        if $> == 0 && !(defined $main && $main =~ /^\s*user\s/m);
    $conf .= "worker_processes $Workers;\n"
           . "daemon off;\n"
           . "master_process " . ($MasterOn ? 'on' : 'off') . ";\n"
           . "error_log logs/error.log $level;\n"
           . "pid logs/nginx.pid;\n";
    for my $e (@EnvToNginx) {
        $conf .= $e =~ /[\s;"'{}]/ ? qq{env "$e";\n} : "env $e;\n";
    }
    $conf .= "\n" . with_nl($main)
           . "\nevents {\n    worker_connections $WorkerConnections;\n}\n\n"
           . "http {\n"
           . "    access_log logs/access.log;\n"
           . "    default_type text/plain;\n"
           . "    keepalive_timeout 68;\n";
    # Temp paths live in the server root: /var/lib/nginx may not be writable.
    for my $t (qw(client_body proxy fastcgi uwsgi scgi)) {
        $conf .= "    ${t}_temp_path $ServRoot/${t}_temp;\n";
    }
    $conf .= "\n" . with_nl($http)
           . "\n    server {\n"
           . "        listen 127.0.0.1:$ServerPort;\n"
           . "        server_name localhost;\n"
           . "        client_max_body_size 30M;\n\n"
           . with_nl($srv);
    # no_root_location() for the file, or a --- no_root_location section
    $conf .= "\n        location / {\n"
           . "            root html;\n"
           . "            index index.html index.htm;\n"
           . "        }\n" if $RootLocation && !defined $block->no_root_location;
    $conf .= "    }\n}\n";
    return $conf;
}

sub prepare_servroot {
    my ($block) = @_;
    stop_nginx();
    wipe_servroot();
    write_user_files($block);
    spew("$ServRoot/conf/nginx.conf", nginx_conf($block));
}

# ---------------------------------------------------------------------------
# starting and stopping nginx
# ---------------------------------------------------------------------------

# Kill an nginx left running by an earlier, aborted run in this server root.
sub kill_stale_nginx {
    my $pid = slurp("$ServRoot/logs/nginx.pid");
    return unless $pid =~ /^(\d+)\s*$/;
    $pid = $1;
    my $cmd = slurp("/proc/$pid/cmdline");
    return unless $cmd =~ /nginx/ && $cmd =~ /\Q$ServRoot\E/;
    Test::More::diag("killing stale nginx (pid $pid) from an earlier run");
    kill 'QUIT', $pid;
    for (1 .. 200) {
        return unless kill 0, $pid;
        Time::HiRes::sleep(0.025);
    }
    kill 'KILL', $pid;
}

sub child_exited {
    my ($pid) = @_;
    my $r = waitpid $pid, POSIX::WNOHANG();
    return $r == $pid || ($r == -1 && $! == Errno::ECHILD) ? 1 : 0;
}

# Start nginx in the foreground (daemon off) as our child and wait until it
# has written its pid file (its listening sockets exist by then) or died.
# Returns { running => 1 } or { running => 0, status => exit status }.
# With $must_die, a started nginx gets a grace period to fail in its
# init_process phase before it counts as running.
sub start_nginx {
    my ($block, $must_die) = @_;
    my $bin = nginx_binary();
    my @args = ('-p', "$ServRoot/", '-c', "$ServRoot/conf/nginx.conf");
    # -e (1.19.5+): startup messages go to our error.log rather than to the
    # compiled-in default (stderr for Debian's nginx).  nginx then also echoes
    # them to stderr as "nginx: [emerg] ...", which we capture: both forms
    # are visible to --- error_log, as with Test::Nginx.
    unshift @args, '-e', "$ServRoot/logs/error.log"
        if version_cmp(nginx_version(), '1.19.5') >= 0;

    my $stderr = "$ServRoot/logs/stderr.log";
    my $pid = fork;
    die "fork failed: $!\n" unless defined $pid;
    if ($pid == 0) {
        POSIX::setpgid(0, 0);
        open STDIN, '<', '/dev/null';
        open STDOUT, '>>', $stderr;
        open STDERR, '>&', \*STDOUT;
        { no warnings 'exec'; exec { $bin } $bin, @args; }
        print STDERR "cannot exec $bin: $!\n";
        POSIX::_exit(127);
    }
    $NginxPid = $pid;

    my $deadline = Time::HiRes::time() + 10;
    my $seen_pid_file;
    while (Time::HiRes::time() < $deadline) {
        my $r = waitpid $pid, POSIX::WNOHANG();
        if ($r == $pid) {
            undef $NginxPid;
            return { running => 0, status => $? };
        }
        if (!$seen_pid_file && slurp("$ServRoot/logs/nginx.pid") =~ /^$pid\s*$/) {
            return { running => 1 } unless $must_die;
            $seen_pid_file = 1;
            $deadline = Time::HiRes::time() + 1;     # grace period
        }
        Time::HiRes::sleep(0.005);
    }
    return { running => 1 } if $seen_pid_file;
    Test::More::diag($block->name . ": nginx did not write its pid file within 10s");
    stop_nginx();
    return { running => 0, status => -1 };
}

# The pids of the processes whose parent is $ppid.
sub child_pids {
    my ($ppid) = @_;
    my @pids;
    opendir my $dh, '/proc' or return;
    for my $pid (grep { /^\d+$/ } readdir $dh) {
        my $stat = slurp("/proc/$pid/stat");
        push @pids, $pid if $stat =~ /\)\s+\S+\s+(\d+)/ && $1 == $ppid;
    }
    closedir $dh;
    return @pids;
}

# Reload the running nginx (use_hup): SIGHUP, then wait until none of the
# old workers is left and the new ones run.
sub reload_nginx {
    my ($block) = @_;
    my %old = map { $_ => 1 } child_pids($NginxPid);
    kill 'HUP', $NginxPid;
    my $deadline = Time::HiRes::time() + 10;
    while (Time::HiRes::time() < $deadline) {
        if (child_exited($NginxPid)) {
            my $status = $?;
            undef $NginxPid;
            return { running => 0, status => $status };
        }
        my @now = child_pids($NginxPid);
        return { running => 1 } if @now >= $Workers && !grep { $old{$_} } @now;
        Time::HiRes::sleep(0.01);
    }
    Test::More::diag($block->name . ": nginx did not reload within 10s");
    return { running => 1 };
}

sub stop_nginx {
    return unless $NginxPid;
    my $pid = $NginxPid;
    undef $NginxPid;
    # graceful first, then fast shutdown, then the whole process group
    for my $step (['QUIT', 5], ['TERM', 2], ['KILL', 2]) {
        my ($sig, $wait) = @$step;
        kill $sig, ($sig eq 'KILL' ? -$pid : $pid);
        my $deadline = Time::HiRes::time() + $wait;
        while (Time::HiRes::time() < $deadline) {
            if (child_exited($pid)) {
                kill 'KILL', -$pid;     # stray workers, if any (usually none)
                return;
            }
            Time::HiRes::sleep(0.005);
        }
        Test::More::diag("nginx (pid $pid) ignored SIG$sig") unless $sig eq 'KILL';
    }
}

END {
    local $?;                  # keep the test's exit status
    stop_nginx() if $$ == $MainPid;
}

# ---------------------------------------------------------------------------
# HTTP client
# ---------------------------------------------------------------------------

# Parse "METHOD URI [PROTOCOL]\nbody" as used by `--- request`.
sub parse_request_spec {
    my ($spec, $block, $strip_nl) = @_;
    $spec =~ s/\A(?:[ \t]*(?:#[^\n]*)?\r?\n)+//;     # blank and comment lines
    $spec =~ s/\A\s+//;
    my ($line, $body) = split /\n/, $spec, 2;
    $line = '' unless defined $line;
    $line =~ s/\s+\z//;
    my ($method, $uri, $proto) = split ' ', $line;
    die $block->name . ": bad --- request line: " . show($line) . "\n"
        unless defined $uri && $method =~ /^[A-Za-z_-]+$/;
    $body = '' unless defined $body;
    $body =~ s/\n\z// if $strip_nl;
    return { method => $method, uri => $uri,
             proto => $proto || 'HTTP/1.1', body => $body };
}

# Build the bytes of one request.  Host and Connection are added unless
# more_headers has them; Content-Length is computed for a body.
sub build_request {
    my ($req, $more, $connection) = @_;
    my @headers;
    for my $line (split /\r?\n/, defined $more ? $more : '') {
        $line =~ s/^\s+//;
        next unless length $line;
        push @headers, $line;
    }
    my %has = map { /^([^:\s]+)\s*:/ ? (lc $1 => 1) : () } @headers;
    my @out = ("$req->{method} $req->{uri} $req->{proto}");
    push @out, 'Host: localhost' unless $has{host};
    if (!$has{connection}) {
        if ($req->{proto} eq 'HTTP/1.1' && $connection eq 'close') {
            push @out, 'Connection: close';
        } elsif ($connection eq 'keep-alive') {
            push @out, 'Connection: keep-alive';
        }
    }
    push @out, @headers;
    my $body = $req->{body};
    if (!$has{'content-length'} && !$has{'transfer-encoding'}) {
        if (length $body) {
            push @out, 'Content-Length: ' . length($body);
        } elsif ($req->{method} =~ /^(?:POST|PUT|PATCH)$/) {
            push @out, 'Content-Length: 0';
        }
    }
    return join("\r\n", @out) . "\r\n\r\n" . $body;
}

# Decode a chunked body starting at offset $pos of $$buf.
# Returns (body, end offset, complete).
sub decode_chunked {
    my ($buf, $pos) = @_;
    my $body = '';
    while (1) {
        pos($$buf) = $pos;
        return ($body, $pos, 0)
            unless $$buf =~ /\G([0-9a-fA-F]{1,15})[^\n]*\n/gc;     # size line
        my ($size, $data) = (hex $1, pos($$buf));
        if ($size == 0) {
            # trailer fields, up to the empty line
            while ($$buf =~ /\G([^\n]*)\n/gc) {
                return ($body, pos($$buf), 1) if $1 =~ /^\r?$/;
            }
            return ($body, $pos, 0);
        }
        return ($body, $pos, 0) if length($$buf) < $data + $size;
        $body .= substr($$buf, $data, $size);
        pos($$buf) = $data + $size;
        return ($body, $pos, 0) unless $$buf =~ /\G\r?\n/gc;
        $pos = pos($$buf);
    }
}

# Parse one response at offset $pos of $$buf (interim 1xx responses are
# skipped).  Returns undef when nothing has arrived yet; otherwise a hash
# with status, proto, headers ([name, value] pairs), raw_headers, body,
# complete and end (the offset after it).
sub parse_response {
    my ($buf, $pos, $method, $eof) = @_;
    my $len = length $$buf;
    while (1) {
        return undef if $pos >= $len;
        pos($$buf) = $pos;
        unless ($$buf =~ /\G(.*?)\r?\n\r?\n/gcs) {
            return { complete => $eof ? 1 : 0, status => undef, headers => [],
                     raw_headers => substr($$buf, $pos), body => '', end => $len,
                     error => 'incomplete response header' };
        }
        my ($head, $body_at) = ($1, pos($$buf));
        my ($status_line, @lines) = split /\r?\n/, $head;
        my %res = (raw_headers => substr($$buf, $pos, $body_at - $pos),
                   headers => [], body => '', complete => 1);
        if ($status_line =~ m{^HTTP/(\d+\.\d+)\s+(\d{3})(?:\s+(.*))?$}) {
            @res{qw(proto status reason)} = ($1, $2, $3);
        } else {
            # not HTTP: report everything as the body
            return { %res, status => undef, raw_headers => '',
                     body => substr($$buf, $pos), complete => $eof ? 1 : 0,
                     end => $len, error => 'bad status line ' . show($status_line, 200) };
        }
        for my $l (@lines) {
            if ($l =~ /^[ \t]+(.*)$/ && @{ $res{headers} }) {  # obs-fold
                $res{headers}[-1][1] .= " $1";
            } elsif ($l =~ /^([^:]+?)\s*:\s*(.*?)\s*$/) {
                push @{ $res{headers} }, [$1, $2];
            }
        }
        $pos = $body_at;
        next if $res{status} >= 100 && $res{status} < 200 && $res{status} != 101;

        my $te = header_value(\%res, 'Transfer-Encoding');
        my $cl = header_value(\%res, 'Content-Length');
        if (uc $method eq 'HEAD' || $res{status} =~ /^(?:1..|204|304)$/) {
            $res{end} = $pos;
        } elsif (defined $te && $te =~ /chunked/i) {
            @res{qw(body end complete)} = decode_chunked($buf, $pos);
        } elsif (defined $cl && $cl =~ /^\d+$/) {
            if ($len - $pos >= $cl) {
                @res{qw(body end)} = (substr($$buf, $pos, $cl), $pos + $cl);
            } else {
                @res{qw(body end complete)} = (substr($$buf, $pos), $len, 0);
            }
        } else {
            # delimited by the end of the connection
            @res{qw(body end complete)} = (substr($$buf, $pos), $len, $eof ? 1 : 0);
        }
        return \%res;
    }
}

# Parse as many of the expected responses as the buffer holds.
sub parse_responses {
    my ($buf, $methods, $eof) = @_;
    my ($pos, @res) = (0);
    for my $m (@$methods) {
        my $r = parse_response($buf, $pos, $m, $eof) or last;
        push @res, $r;
        last unless $r->{complete};
        $pos = $r->{end};
    }
    my $done = @res == @$methods && $res[-1]{complete};
    return (\@res, $done);
}

sub header_value {
    my ($res, $name) = @_;
    return undef unless $res;
    my @v = map { $_->[1] } grep { lc $_->[0] eq lc $name } @{ $res->{headers} || [] };
    return @v ? join(', ', @v) : undef;
}

# Send the request bytes (a list of pieces, with $delay seconds between
# them) over one connection and read the responses to @$methods.
sub http_exchange {
    my (%a) = @_;
    my ($pieces, $methods, $timeout) = @a{qw(pieces methods timeout)};
    my $deadline = Time::HiRes::time() + $timeout;
    my %x = (raw => '', responses => [], timed_out => 0, error => undef);

    my $sock = IO::Socket::INET->new(PeerAddr => '127.0.0.1',
                                     PeerPort => $ServerPort,
                                     Proto => 'tcp', Timeout => $timeout);
    unless ($sock) {
        $x{error} = "cannot connect to 127.0.0.1:$ServerPort: $!";
        return \%x;
    }
    $sock->blocking(0);
    my $sel = IO::Select->new($sock);

    # write; a server that answers early and closes may make this fail,
    # which is fine: we still read what it sent
  WRITE:
    for my $i (0 .. $#$pieces) {
        if ($i > 0 && $a{delay}) { Time::HiRes::sleep($a{delay}) }
        my $data = $pieces->[$i];
        while (length $data) {
            my $left = $deadline - Time::HiRes::time();
            if ($left <= 0) { $x{timed_out} = 1; last WRITE }
            next unless $sel->can_write($left);
            my $n = syswrite $sock, $data;
            if (!defined $n) {
                next if $! == Errno::EAGAIN() || $! == Errno::EINTR();
                $x{write_error} = "$!";
                last WRITE;
            }
            substr($data, 0, $n, '');
        }
    }

    # Re-parsing after every read would be quadratic for big bodies: parse
    # when a read came short (a burst ended), at EOF, or every 1 MB.
    my ($eof, $done, $res, $parsed_len) = (0, 0, [], 0);
    while (!$x{timed_out}) {
        my $left = $deadline - Time::HiRes::time();
        if ($left <= 0) { $x{timed_out} = 1; last }
        # once complete, only linger for the close if the server said so
        if ($done && !$eof) {
            my $last = $res->[-1];
            my $conn = header_value($last, 'Connection') // '';
            my $closing = $conn =~ /close/i
                || (($last->{proto} // '') eq '1.0' && $conn !~ /keep-alive/i);
            if (!$closing) {
                # keep-alive: give nginx a moment to run its log phase
                Time::HiRes::sleep(0.02);
                last;
            }
        }
        next unless $sel->can_read($left);
        my $n = sysread $sock, my $chunk, 65536;
        if (!defined $n) {
            next if $! == Errno::EAGAIN() || $! == Errno::EINTR();
            $x{read_error} = "$!";          # e.g. connection reset
            $eof = 1;
        } elsif ($n == 0) {
            $eof = 1;
        } else {
            $x{raw} .= $chunk;
        }
        last if $eof;
        if ($n < 65536 || length($x{raw}) - $parsed_len >= 1 << 20) {
            ($res, $done) = parse_responses(\$x{raw}, $methods, $eof);
            $parsed_len = length $x{raw};
        }
    }
    ($res, $done) = parse_responses(\$x{raw}, $methods, $eof);
    $x{responses} = $res;
    $x{complete} = $done;
    close $sock;
    return \%x;
}

# The exchanges of one repetition of a block: a list of
# { pieces => [...], methods => [...], delay => secs }.
sub block_exchanges {
    my ($block) = @_;
    my $more = section($block, 'more_headers');
    my @ex;
    if (defined(my $p = section($block, 'pipelined_requests'))) {
        die $block->name . ": --- pipelined_requests needs an array ref "
          . "(use the eval filter)\n" unless ref $p eq 'ARRAY';
        my ($payload, @methods) = ('');
        for my $i (0 .. $#$p) {
            my $req = parse_request_spec($p->[$i], $block, 0);
            my $conn = $i == $#$p ? 'close' : 'keep-alive';
            $payload .= build_request($req, nth($more, $i), $conn);
            push @methods, $req->{method};
        }
        push @ex, { pieces => [$payload], methods => \@methods };
    } elsif (defined(my $raw = section($block, 'raw_request'))) {
        my @pieces = ref $raw eq 'ARRAY' ? @$raw : ($raw);
        my ($method) = join('', @pieces) =~ /^\s*(\S+)/;
        push @ex, { pieces => \@pieces, methods => [$method // 'GET'],
                    delay => scalar $block->raw_request_middle_delay };
    } elsif (defined(my $r = section($block, 'request'))) {
        my @specs = ref $r eq 'ARRAY' ? @$r : ($r);
        my $strip = !has_filter($block, 'request', 'eval');
        for my $i (0 .. $#specs) {
            my $req = parse_request_spec($specs[$i], $block, $strip);
            push @ex, { pieces => [build_request($req, nth($more, $i), 'close')],
                        methods => [$req->{method}] };
        }
    }
    return @ex;
}

# ---------------------------------------------------------------------------
# checks
# ---------------------------------------------------------------------------

# Exact string comparison with readable diagnostics.
sub check_str {
    my ($got, $expected, $name) = @_;
    if (defined $got && defined $expected && $got eq $expected
        || !defined $got && !defined $expected) {
        return Test::More::pass($name);
    }
    Test::More::fail($name);
    my $diag = "         got: " . show($got) . "\n    expected: " . show($expected) . "\n";
    if (defined $got && defined $expected) {
        my $i = 0;
        $i++ while $i < length($got) && $i < length($expected)
                && substr($got, $i, 1) eq substr($expected, $i, 1);
        $diag .= "    (lengths: got " . length($got) . ", expected "
               . length($expected) . "; first difference at offset $i)\n";
    }
    Test::More::diag($diag);
    return 0;
}

# A section value as a regex (/s, like Test::Nginx).  A plain section's
# trailing newline is not part of the pattern.
sub as_regex {
    my ($block, $sect, $pat) = @_;
    return $pat if ref $pat eq 'Regexp';
    $pat =~ s/\n\z// unless has_filter($block, $sect, 'eval');
    my $re = eval { qr/$pat/s };
    die $block->name . ": bad regex in --- $sect: $@" unless $re;
    return $re;
}

sub check_like {
    my ($got, $pat, $name, $negate) = @_;
    my $ok = defined $got && ($got =~ $pat ? 1 : 0);
    $ok = defined $got && !$ok if $negate;
    Test::More::ok($ok, $name);
    Test::More::diag("         got: " . show($got) . "\n    "
                     . ($negate ? "should not match" : "should match")
                     . ": $pat\n") unless $ok;
    return $ok;
}

# Response checks for response number $i.  Returns false if any failed.
sub check_response {
    my ($block, $res, $x, $i, $sfx, $repeat) = @_;
    my $name = $block->name;
    my $ok = 1;

    if (!$res || !defined $res->{status}) {
        my $why = $x->{error} || ($res && $res->{error})
               || ($x->{timed_out} ? 'timed out' : 'no response');
        Test::More::diag("$name$sfx: no HTTP response ($why); received: "
                         . show($x->{raw}, 500));
    }

    my $code = section($block, 'error_code');
    $code = defined $code ? trim(nth($code, $i)) : 200;
    my $got_code = $res ? $res->{status} : undef;
    if (defined $code && $code eq '') {             # "no response" expected
        $ok &= check_str($got_code // '', '', "$name - status code ok$sfx");
    } else {
        $ok &= check_str($got_code, $code, "$name - status code ok$sfx");
    }

    for my $sect (qw(raw_response_headers_like raw_response_headers_unlike)) {
        my $pat = section($block, $sect);
        next unless defined $pat;
        $pat = nth($pat, $i);
        next unless defined $pat;
        $ok &= check_like($res ? $res->{raw_headers} : undef,
                          as_regex($block, $sect, $pat),
                          "$name - $sect ok$sfx", $sect =~ /unlike/);
    }

    if (defined(my $hdrs = section($block, 'response_headers'))) {
        $hdrs = nth($hdrs, $i);
        for my $line (split /\n/, defined $hdrs ? $hdrs : '') {
            next unless $line =~ /\S/;
            if ($line =~ /^\s*!\s*([^:\s]+)\s*$/) {
                my $h = $1;
                my $v = header_value($res, $h);
                Test::More::ok(!defined $v, "$name - header $h not present$sfx")
                    or do { $ok = 0; Test::More::diag("    but got $h: " . show($v)) };
            } elsif ($line =~ /^\s*([^:\s]+)\s*:(.*)$/) {
                my ($h, $v) = ($1, trim($2));
                $ok &= check_str(header_value($res, $h), $v, "$name - header $h ok$sfx");
            } else {
                die "$name: bad --- response_headers line " . show($line) . "\n";
            }
        }
    }

    if (defined(my $hdrs = section($block, 'response_headers_like'))) {
        $hdrs = nth($hdrs, $i);
        for my $line (split /\n/, defined $hdrs ? $hdrs : '') {
            next unless $line =~ /\S/;
            die "$name: bad --- response_headers_like line " . show($line) . "\n"
                unless $line =~ /^\s*([^:\s]+)\s*:\s?(.*?)\s*$/;
            my ($h, $re) = ($1, $2);
            $ok &= check_like(header_value($res, $h), as_regex($block, 'response_headers_like', $re),
                              "$name - header $h like ok$sfx");
        }
    }

    my $body = $res ? $res->{body} : undef;
    if (defined(my $exp = section($block, 'response_body'))) {
        $ok &= check_str($body, nth($exp, $i), "$name - response_body - response is expected$sfx");
    }
    for my $sect (qw(response_body_like response_body_unlike)) {
        my $pat = section($block, $sect);
        next unless defined $pat;
        $pat = nth($pat, $i);

        # an array ref as the entry of one request: all of its patterns
        # apply to that response, each checked and reported on its own
        my @pats = ref $pat eq 'ARRAY' ? @$pat : ($pat);
        for my $k (0 .. $#pats) {
            my $what = @pats > 1 ? " (pattern $k)" : '';
            $ok &= check_like($body, as_regex($block, $sect, $pats[$k]),
                              "$name - $sect$what - response is expected$sfx",
                              $sect =~ /unlike/);
        }
    }
    if (@ResponseBodyChecks) {
        my $tb = Test::More->builder;
        my $first = $tb->current_test;
        for my $check (@ResponseBodyChecks) {
            $check->($block, $body, $i, $repeat // 0, 0);
        }
        my @summary = $tb->summary;
        $ok &= !grep { !$_ } @summary[$first .. $#summary];
    }
    return $ok;
}

# Error log text written since the given offsets (stderr capture first).
sub log_offsets {
    return { map { $_ => -s "$ServRoot/logs/$_" || 0 } qw(stderr.log error.log) };
}

sub read_logs {
    my ($off) = @_;
    return join '', map { slurp("$ServRoot/logs/$_", $off ? $off->{$_} : 0) }
                    qw(stderr.log error.log);
}

# Patterns of --- error_log / --- no_error_log: one substring per line, or
# (with eval) a string, qr// or an array ref of them.
sub log_patterns {
    my ($block, $sect) = @_;
    my $v = section($block, $sect);
    return () unless defined $v;
    return grep { defined && (ref || length) } @$v if ref $v eq 'ARRAY';
    return ($v) if ref $v;
    return grep { length } split /\n/, $v;
}

sub line_matches {
    my ($line, $pat) = @_;
    return ref $pat eq 'Regexp' ? $line =~ $pat : index($line, $pat) >= 0;
}

# Log checks of one repetition.  $quiet: nginx's start-up failure has been
# reported already, so skip the [alert]/[crit]/[emerg] warnings.
sub check_logs {
    my ($block, $log, $r, $sfx, $quiet) = @_;
    my $name = $block->name;
    my @lines = split /\n/, $log;
    my $ok = 1;

    for my $pat (log_patterns($block, 'error_log')) {
        my $found = grep { line_matches($_, $pat) } @lines;
        $ok &= Test::More::ok($found, "$name - pattern \"$pat\" matches a line in error.log$sfx");
    }
    for my $pat (log_patterns($block, 'no_error_log')) {
        my @hits = grep { line_matches($_, $pat) } @lines;
        Test::More::ok(!@hits, "$name - pattern \"$pat\" should not match any line in error.log$sfx")
            or do {
                $ok = 0;
                Test::More::diag("    matching lines:\n" . join '', map { "    $_\n" }
                                 @hits[0 .. ($#hits > 4 ? 4 : $#hits)]);
            };
    }

    if (defined(my $grep = section($block, 'grep_error_log'))) {
        my $re = ref $grep eq 'Regexp' ? $grep : do { chomp $grep; qr/\Q$grep\E/ };
        my $out = '';
        for my $line (@lines) {
            while ($line =~ /$re/g) {
                $out .= "$&\n";
                last unless length $&;          # no endless zero-width loop
            }
        }
        my $exp = section($block, 'grep_error_log_out');
        if (defined $exp) {
            $exp = nth($exp, $r);
            if (ref $exp eq 'Regexp') {
                $ok &= check_like($out, $exp, "$name - grep_error_log_out$sfx");
            } else {
                $ok &= check_str($out, $exp, "$name - grep_error_log_out$sfx");
            }
        }
    }

    return $ok if $quiet;

    # Like Test::Nginx: warn about serious messages nobody asked about.
    my $mentioned = join ' ', map { ref $_ ? "$_" : $_ }
                    log_patterns($block, 'error_log'), log_patterns($block, 'no_error_log');
    for my $line (@lines) {
        next unless $line =~ /\[(alert|crit|emerg)\]/;
        next if $mentioned =~ /\Q$1\E/;
        warn "WARNING: $name - $line\n";
    }
    return $ok;
}

# ---------------------------------------------------------------------------
# running blocks
# ---------------------------------------------------------------------------

# `--- skip_nginx: N: < 1.2.3` and `--- skip_eval: N: perl-expression`.
sub skip_reason {
    my ($block) = @_;
    if (defined(my $s = $block->skip_nginx)) {
        my ($n, $op, $ver) = $s =~ /^\s*(\d+)\s*:\s*([<>]=?|==|!=)\s*([\d.]+)\s*$/
            or die $block->name . ": bad --- skip_nginx value '$s'\n";
        my $c = version_cmp(nginx_version(), $ver);
        my %ops = ('<' => $c < 0, '<=' => $c <= 0, '>' => $c > 0,
                   '>=' => $c >= 0, '==' => $c == 0, '!=' => $c != 0);
        return ($n, "nginx " . nginx_version() . " $op $ver") if $ops{$op};
    }
    if (defined(my $s = $block->skip_eval)) {
        my ($n, $code) = $s =~ /^\s*(\d+)\s*:\s*(.*)$/s
            or die $block->name . ": bad --- skip_eval value '$s'\n";
        my $r = eval $code;
        die $block->name . ": --- skip_eval failed: $@" if $@;
        return ($n, "skip_eval: $code") if $r;
    }
    return;
}

# The server root is wiped for every block, so the log and config of a
# failed block are kept as t/servroot_failed/<test file>-<TEST n>.{log,conf}.
my $FailedDir = "${ServRoot}_failed";

sub failed_base {
    my ($block) = @_;
    (my $file = $0) =~ s{.*/}{};
    $file =~ s/\.t$//;
    my $name = $block ? $block->name : '';
    $name =~ s/:.*//;
    $name =~ s/\W+/_/g;
    return "$FailedDir/$file" . ($block ? "-$name" : '');
}

sub report_failure {
    my ($block, $log) = @_;
    my $base = failed_base($block);
    File::Path::make_path($FailedDir);
    spew("$base.log", $log);
    spew("$base.conf", slurp("$ServRoot/conf/nginx.conf"));

    # Show the entries above debug level (an entry may span several lines,
    # e.g. a dumped response header); the full log is in the saved file.
    my (@entries, $debug);
    for my $line (split /\n/, $log) {
        if (@entries && $line !~ m{^(?:\d{4}/\d\d/\d\d \d\d:\d\d:\d\d |nginx: )\[}) {
            $entries[-1] .= "\n$line" unless $debug;
            next;
        }
        $debug = $line =~ /\[debug\]/;
        push @entries, $line unless $debug;
    }
    splice @entries, 0, @entries - 30 if @entries > 30;
    Test::More::diag($block->name . " failed; error log of this block"
                     . " (without [debug] lines):\n"
                     . (@entries ? tail_lines(join("\n", @entries), 60) : "    (empty)\n")
                     . "full log: $base.log\nconfig:   $base.conf");
}

sub run_must_die {
    my ($block) = @_;
    my $name = $block->name;
    my $want = trim(scalar $block->must_die);
    for my $r (0 .. $RepeatEach - 1) {
        my $sfx = $RepeatEach > 1 ? " (repeat $r)" : '';
        prepare_servroot($block) if $r > 0;
        my $st = start_nginx($block, 1);
        my $ok = 1;
        if ($st->{running}) {
            $ok = Test::More::fail("$name - nginx should have failed to start (must_die)$sfx");
            stop_nginx();
        } elsif (defined $want && $want =~ /^\d+$/ && ($st->{status} >> 8) != $want) {
            $ok = Test::More::fail("$name - nginx exit code " . ($st->{status} >> 8)
                                   . ", expected $want$sfx");
        } elsif ($st->{status} == 0) {
            $ok = Test::More::fail("$name - nginx exited with status 0 (must_die)$sfx");
        }
        Time::HiRes::sleep(scalar $block->wait) if $block->wait;
        my $log = read_logs();
        $ok &= check_logs($block, $log, $r, $sfx, 1);
        report_failure($block, $log) unless $ok;
    }
}

sub run_block {
    my ($block) = @_;
    my $name = $block->name;

    if (my ($n, $why) = skip_reason($block)) {
      SKIP: { Test::More::skip("$name - $why", $n * $RepeatEach) }
        return;
    }

    # use_hup(): reload the nginx of the block before, keeping its files
    my $reload = $UseHup && $MasterOn && $NginxPid && !defined $block->must_die;
    my $start_off;
    if ($reload) {
        $start_off = log_offsets();
        write_user_files($block);
        spew("$ServRoot/conf/nginx.conf", nginx_conf($block));
    } else {
        prepare_servroot($block);
        return run_must_die($block) if defined $block->must_die;
    }

    my @exchanges = block_exchanges($block);
    unless (@exchanges) {
        Test::More::fail("$name - no --- request, --- raw_request or "
                         . "--- pipelined_requests section");
        return;
    }

    my $st = $reload ? reload_nginx($block) : start_nginx($block, 0);
    unless ($st->{running}) {
        Test::More::diag("$name: nginx failed to start (exit status "
                         . ($st->{status} >> 8) . "):\n"
                         . tail_lines(read_logs(), 40));
    }

    my $timeout = $block->timeout;
    $timeout = defined $timeout && $timeout =~ /^\s*([\d.]+)\s*s?\s*$/ ? $1 : $DefaultTimeout;
    my $nres = 0;
    $nres += @{ $_->{methods} } for @exchanges;

    # an array section holds one entry per request: more or fewer entries
    # than requests would leave checks unrun or run against nothing, so a
    # block written that way fails instead of passing on its first entry
    my $ok = 1;
    for my $sect (@PerResponseSections) {
        my $v = $block->$sect;
        next unless ref $v eq 'ARRAY' && @$v != $nres;
        Test::More::fail("$name - --- $sect has " . scalar(@$v)
                         . " entries for $nres request(s): one per request");
        $ok = 0;
    }

    my $log = '';
    for my $r (0 .. $RepeatEach - 1) {
        my $rsfx = $RepeatEach > 1 ? " (repeat $r)" : '';
        my $off = $AccumErrorLog ? undef
                : $r == 0 ? $start_off : log_offsets();
        my $i = 0;
        for my $ex (@exchanges) {
            my $x = http_exchange(%$ex, timeout => $timeout);
            if ($x->{timed_out} && !defined $block->abort) {
                Test::More::diag("ERROR: client socket timed out - $name$rsfx");
            }
            for my $k (0 .. $#{ $ex->{methods} }) {
                my $sfx = ($nres > 1 ? " (req $i)" : '') . $rsfx;
                $ok &= check_response($block, $x->{responses}[$k], $x, $i, $sfx,
                                      $r)
                    unless defined $block->ignore_response;
                $i++;
            }
        }
        Time::HiRes::sleep(scalar $block->wait) if $block->wait;
        $log = read_logs($off);
        $ok &= check_logs($block, $log, $r, $rsfx, !$st->{running});
    }
    report_failure($block, $log) unless $ok;
    stop_nginx() unless $UseHup && $MasterOn;
}

sub run_tests {
    # No plan given (neither `use t::APIGW 'no_plan'` nor `plan tests => N`):
    # behave like done_testing, the plan is printed at the end.
    Test::More::plan('no_plan') unless Test::More->builder->has_plan;
    $SIG{PIPE} = 'IGNORE';
    kill_stale_nginx();
    unlink glob(failed_base() . '-*');
    for my $block (Test::Base::blocks()) {
        $_->($block) for @BlockPreprocessors;
        run_block($block);
    }
    stop_nginx();
}

1;

__END__

=head1 NAME

APIGW::Runner - Test::Nginx::Socket-compatible runner for this project

=head1 SYNOPSIS

    use t::APIGW 'no_plan';
    run_tests();

    __DATA__

    === TEST 1: hello
    --- config
        location /t { return 200 "hi\n"; }
    --- request
    GET /t
    --- response_body
    hi

=head1 SECTIONS

Semantics follow Test::Nginx::Socket's documentation.  Test::Base filters
(C<eval>, C<chomp>, C<chop>, ...) work on every section.

=over

=item Configuration

C<main_config> (top level, after the C<load_module> lines), C<http_config>
(inside C<http {}>), C<config> (inside the default C<server {}>),
C<user_files> (C<< >>> name [YYYYMMDDhhmm[.ss]] >> lines followed by the
content, written under the server root's F<html/>; with C<eval> an array ref
of C<[name, content, mtime]>), C<log_level>, C<no_root_location>.

=item Requests

C<request> (C<METHOD URI [PROTOCOL]> then the body; with C<eval> an array
ref sends one request per connection, one after the other), C<more_headers>
(C<Name: value> lines; an array ref gives one value per request),
C<raw_request> (sent as is; an array ref is sent in pieces, with
C<raw_request_middle_delay> seconds between them), C<pipelined_requests>
(C<eval> array ref, sent on one connection), C<timeout> (seconds, default
10), C<abort> (a time-out is expected), C<ignore_response>.

Requests are HTTP/1.1 with C<Host: localhost> and C<Connection: close>
unless C<more_headers> has them; C<Content-Length> is computed for a body.
Responses are de-chunked; HEAD, 204 and 304 responses have no body.

=item Responses

C<error_code>, C<response_body>, C<response_body_like>,
C<response_body_unlike> (regexes get the C</s> flag), C<response_headers>
(C<Name: value>; C<!Name> means absent; names are case-insensitive; repeated
headers are joined with C<", ">), C<response_headers_like>,
C<raw_response_headers_like>, C<raw_response_headers_unlike>.  With several
requests, C<eval> array refs give one expectation per request; an array
holding more or fewer entries than the block sends requests fails the block.
An entry of C<response_body_like> or C<response_body_unlike> may itself be an
array ref: every pattern in it applies to that one response, e.g.
C<[[qr/a/, qr/b/]]> for a block of one request.

=item Logs

C<error_log> / C<no_error_log> (one substring per line, or with C<eval> a
string, qr// or array ref of them), C<grep_error_log> + C<grep_error_log_out>
(an array ref gives one expectation per repetition), C<wait>.  The log
checked is what nginx wrote during the repetition: its F<error.log> plus
its captured stderr (the first repetition also sees the start-up messages).

=item Control

C<must_die> (nginx must fail to start; with a number, that exit code; the
log sections are then checked against stderr and F<error.log>),
C<skip_nginx: N: OP VERSION>, C<skip_eval: N: CODE>, and Test::Base's
C<ONLY>, C<SKIP>, C<LAST>.

=back

Other Test::Nginx sections (stap, udp, tcp, curl, shutdown_error_log, todo,
...) are not supported and are ignored.

=head1 FUNCTIONS

run_tests, repeat_each, workers, master_on, master_off,
master_process_enabled, log_level (default C<debug>), worker_connections,
no_root_location, env_to_nginx, add_block_preprocessor, check_accum_error_log,
server_port, server_root, html_dir, bail_out, add_response_body_check
(Test::Nginx::Socket's: a sub called with the block, the body, the
request's index, the repetition and 0 after each response's checks, while
nginx runs; it makes its own assertions), use_hup (with master_on: each
block after the first reloads the running nginx with SIGHUP and waits for
its new workers, keeping the server root and shared memory); no_shuffle,
shuffle, no_long_string, no_check_leak are accepted and do nothing (blocks
always run in file order).

=head1 ENVIRONMENT

TEST_NGINX_BINARY (default: C<nginx> in PATH, then F</usr/sbin/nginx>),
TEST_NGINX_LOAD_MODULES (space-separated C<.so> paths), TEST_NGINX_PORT or
TEST_NGINX_SERVER_PORT (default 1984), TEST_NGINX_SERVROOT (default
F<t/servroot>).  TEST_NGINX_SERVER_PORT, TEST_NGINX_SERVROOT and
TEST_NGINX_HTML_DIR are set for use in the sections.

The log and config of a failed block are kept in F<t/servroot_failed/>.

=cut
