package t::APIGW;

# Test scaffold for ngx_http_apigw_module.  Test files say
#
#     use t::APIGW 'no_plan';          # or: use t::APIGW; plan tests => ...;
#     run_tests();
#     __DATA__
#     === TEST 1: ...
#
# and get Test::Nginx::Socket's interface:
#   * from CPAN's Test::Nginx::Socket when it is installed, or
#   * from our own implementation, t/lib/APIGW/Runner.pm, otherwise
#     (TEST_APIGW_RUNNER=own forces ours even when CPAN's is installed).
#
# Either way this module also starts the fixture upstreams, t/lib/backend.py,
# once per test file: on $TEST_NGINX_BACKEND_PORT (default 1985) and
# $TEST_NGINX_BACKEND_PORT2 (default 1986).  A port that already accepts
# connections is assumed to be served by one of ours and is left alone.
# The backends we started are killed when the test file ends.

use strict;
use warnings;

use File::Basename ();
use File::Spec ();
use IO::Socket::INET;
use POSIX ();
use Time::HiRes ();

my $TDir;
BEGIN {
    $TDir = File::Spec->rel2abs(File::Basename::dirname(__FILE__));
    unshift @INC, "$TDir/lib" unless grep { $_ eq "$TDir/lib" } @INC;
}

# TEST_NGINX_PORT_BASE=N moves every port of the suite to N..N+9, so
# that several checkouts can run their tests at once:
#   N nginx, N+1/N+2 backends, N+3 TLS, N+4 Lambda runtime,
#   N+5/N+6 AWS endpoints (t/014), N+7 AWS services (t/017)
BEGIN {
    if (my $b = $ENV{TEST_NGINX_PORT_BASE}) {
        $ENV{TEST_NGINX_PORT}          ||= $b;
        $ENV{TEST_NGINX_BACKEND_PORT}  ||= $b + 1;
        $ENV{TEST_NGINX_BACKEND_PORT2} ||= $b + 2;
        $ENV{TEST_NGINX_TLS_PORT}      ||= $b + 3;
        $ENV{TEST_NGINX_LAMBDA_PORT}   ||= $b + 4;
        $ENV{TEST_NGINX_AWS_PORT}      ||= $b + 5;
        $ENV{TEST_NGINX_AWS_PORT2}     ||= $b + 6;
        $ENV{TEST_NGINX_SERVICES_PORT} ||= $b + 7;
        $ENV{TEST_NGINX_SERVROOT}      ||= "t/servroot-$b";
    }
    $ENV{TEST_NGINX_TLS_PORT}      ||= 1987;
    $ENV{TEST_NGINX_AWS_PORT}      ||= 1989;
    $ENV{TEST_NGINX_AWS_PORT2}     ||= 1990;
    $ENV{TEST_NGINX_SERVICES_PORT} ||= 1991;
}

our $UseCPAN;
BEGIN {
    $UseCPAN = ($ENV{TEST_APIGW_RUNNER} || '') ne 'own'
               && eval { require Test::Nginx::Socket; 1 } ? 1 : 0;
    require APIGW::Runner unless $UseCPAN;
}

my $MainPid = $$;
my %Backends;                   # port => pid, only the ones we started

sub port_open {
    my ($port) = @_;
    my $s = IO::Socket::INET->new(PeerAddr => '127.0.0.1', PeerPort => $port,
                                  Proto => 'tcp', Timeout => 1);
    return 0 unless $s;
    close $s;
    return 1;
}

sub start_backend {
    my ($port) = @_;
    start_process($port, "$TDir/lib/backend.py", $port);
}

# a python3 program of ours listening on $port, in its own process group
sub start_process {
    my ($port, $script, @args) = @_;
    return if port_open($port);
    my $python = -x '/usr/bin/python3' ? '/usr/bin/python3' : 'python3';
    my $pid = fork;
    die "fork failed: $!\n" unless defined $pid;
    if ($pid == 0) {
        POSIX::setpgid(0, 0);   # own group: our signals only reach it
        open STDIN, '<', '/dev/null';
        open STDOUT, '>', '/dev/null';
        open STDERR, '>', $ENV{TEST_APIGW_PROCESS_LOG} || '/dev/null'
            if $script !~ /backend\.py$/;
        # stderr stays: the backend is quiet unless it cannot start at all
        { no warnings 'exec'; exec { $python } $python, $script, @args; }
        print STDERR "cannot exec $python $script: $!\n";
        POSIX::_exit(127);
    }
    $Backends{$port} = $pid;
}

# the local Lambda runtime (tools/lambda_runtime.py) serving the handler
# files of t/lib/lambda on $TEST_NGINX_LAMBDA_PORT (default 1988)
sub start_lambda_runtime {
    my (@args) = @_;
    $ENV{TEST_NGINX_LAMBDA_PORT} ||= 1988;
    my $port = $ENV{TEST_NGINX_LAMBDA_PORT};
    start_process($port, "$TDir/../tools/lambda_runtime.py",
                  '--listen', "127.0.0.1:$port", '--dir', "$TDir/lib/lambda",
                  @args);
    wait_backend($port);
}

sub wait_backend {
    my ($port) = @_;
    my $deadline = Time::HiRes::time() + 10;
    while (Time::HiRes::time() < $deadline) {
        return if port_open($port);
        if (my $pid = $Backends{$port}) {
            if (waitpid($pid, POSIX::WNOHANG()) == $pid) {
                delete $Backends{$port};
                die "the fixture on port $port exited with status "
                  . ($? >> 8) . " (port in use?)\n";
            }
        }
        Time::HiRes::sleep(0.02);
    }
    die "the fixture did not listen on 127.0.0.1:$port within 10s\n";
}

my $BackendsStarted;
sub start_backends {
    return if $BackendsStarted++;
    $ENV{TEST_NGINX_BACKEND_PORT}  ||= 1985;
    $ENV{TEST_NGINX_BACKEND_PORT2} ||= 1986;
    my @ports = @ENV{qw(TEST_NGINX_BACKEND_PORT TEST_NGINX_BACKEND_PORT2)};
    start_backend($_) for @ports;
    wait_backend($_) for @ports;
}

sub stop_backends {
    return unless $$ == $MainPid;
    for my $port (keys %Backends) {
        my $pid = delete $Backends{$port};
        kill 'TERM', -$pid;
        my $deadline = Time::HiRes::time() + 3;
        while (Time::HiRes::time() < $deadline) {
            last if waitpid($pid, POSIX::WNOHANG()) != 0;
            Time::HiRes::sleep(0.01);
        }
        kill 'KILL', -$pid;
        waitpid $pid, 0;
    }
}

END {
    local $?;                   # keep the test's exit status
    stop_backends();
}

sub import {
    my ($class, @args) = @_;
    my $caller = caller;

    # Turn Ctrl-C / kill into a normal exit so that END blocks clean up
    # nginx and the backends.
    my %signo = (HUP => 1, INT => 2, TERM => 15);
    for my $sig (keys %signo) {
        next if $SIG{$sig} && $SIG{$sig} ne 'DEFAULT';
        $SIG{$sig} = sub { exit 128 + $signo{$sig} };
    }

    start_backends();

    if ($UseCPAN) {
        # A run_tests() that also works when the test file gave no plan;
        # Spiffy's export does not overwrite subs the caller already has.
        no strict 'refs';
        *{"${caller}::run_tests"} = sub {
            Test::More::plan('no_plan') unless Test::More->builder->has_plan;
            Test::Nginx::Socket->can('run_tests')->(@_);
        };
        @_ = ('Test::Nginx::Socket', @args);
        goto &{ Test::Nginx::Socket->can('import') };
    }

    # Test::Base::import makes APIGW::Runner the default Test::Base class,
    # handles plan arguments ('no_plan', tests => N) and exports
    # APIGW::Runner's @EXPORT plus Test::Base's/Test::More's functions into
    # the test file (goto keeps the test file as the caller).
    @_ = ('APIGW::Runner', @args);
    goto &Test::Base::import;
}

1;
