# "make run" (examples/run.sh) starts Debian's nginx with the example
# gateway in the foreground and answers the curl commands it prints.
use strict;
use warnings;
use Test::More;
use IO::Socket::INET;
use POSIX ();
use Time::HiRes ();


sub get {
    my ($path) = @_;
    my $s = IO::Socket::INET->new(PeerAddr => '127.0.0.1', PeerPort => 8080,
                                  Timeout => 5) or return undef;
    print $s "GET $path HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n";
    local $/;
    my $resp = <$s>;
    close $s;
    return $resp;
}

my $pid = open(my $out, '-|');
die "fork: $!" unless defined $pid;
if ($pid == 0) {
    POSIX::setpgid(0, 0);
    open STDERR, '>&', \*STDOUT;
    exec 'bash', 'examples/run.sh' or POSIX::_exit(127);
}

my $up;
for (1 .. 100) {
    if (IO::Socket::INET->new(PeerAddr => '127.0.0.1', PeerPort => 8080)) {
        $up = 1;
        last;
    }
    Time::HiRes::sleep(0.1);
}

ok($up, 'the example gateway listens on 127.0.0.1:8080');

my $r = get('/dev/pets') // '';
like($r, qr{^HTTP/1\.1 200 }, 'GET /dev/pets is 200');
like($r, qr{"type":"cat"}, 'GET /dev/pets has the pets');
like($r, qr{x-amzn-RequestId: [0-9a-f-]{36}\r\n}, 'with a request id');

$r = get('/dev/hello') // '';
like($r, qr{^HTTP/1\.1 200 }, 'GET /dev/hello is 200');
like($r, qr{"Hello from Lambda!"$}, 'GET /dev/hello says Hello from Lambda!');

$r = get('/dev/unknown') // '';
like($r, qr{^HTTP/1\.1 403 }, 'an unknown resource is 403');
like($r, qr{\{"message":"Missing Authentication Token"\}$},
     'with AWS\'s body');

kill 'TERM', -$pid;
waitpid($pid, 0);

my $log = do { local $/; <$out> } // '';
like($log, qr{curl -i http://127\.0\.0\.1:8080/dev/pets}, 'it printed the curl commands');

done_testing();
