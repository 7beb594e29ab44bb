package APIGW::Load;

# Concurrent clients for tests that need load (throttling): each client
# is a process with a keep-alive connection that sends the same request
# again and again, as fast as its answers come, until a deadline or a
# number of requests.  All clients start at one instant; each reports
# the answers it got by status, when it sent its first request and when
# its last answer arrived (one clock: Time::HiRes::time).
#
#   my $res = APIGW::Load::run(
#       port => $port, clients => 4, seconds => 6,       # or requests => N
#       requests => ["GET /dev/pets HTTP/1.1\r\nHost: localhost\r\n"
#                    . "x-api-key: ...\r\n\r\n", ...],   # one per client,
#   );                                                   # used in turn
#   $res->{status}{200}, $res->{status}{429}, $res->{start}, $res->{end},
#   $res->{clients}[$i]{status}{200} ...

use strict;
use warnings;

use IO::Socket::INET;
use POSIX ();
use Time::HiRes ();

sub connect_to {
    my ($port) = @_;
    return IO::Socket::INET->new(PeerAddr => '127.0.0.1', PeerPort => $port,
                                 Proto => 'tcp', Timeout => 5);
}

# one answer: its status, or undef when the connection ended
sub read_response {
    my ($sock, $buf) = @_;      # $buf: a reference to what is read ahead
    while ($$buf !~ /\r\n\r\n/) {
        my $n = sysread($sock, $$buf, 65536, length $$buf);
        return undef unless $n;
    }
    $$buf =~ s/\A(.*?\r\n\r\n)//s;
    my $head = $1;
    my ($status) = $head =~ m{\AHTTP/1\.[01] (\d{3})};
    my ($len) = $head =~ /^content-length:\s*(\d+)/mi;
    $len //= 0;
    while (length $$buf < $len) {
        my $n = sysread($sock, $$buf, 65536, length $$buf);
        return undef unless $n;
    }
    substr($$buf, 0, $len, '');
    my $close = $head =~ /^connection:\s*close/mi;
    return ($status, $close);
}

sub client {
    my ($o, $req, $at, $out) = @_;
    my (%status, $first, $last);
    my $deadline = $o->{seconds} ? $at + $o->{seconds} : undef;
    my $left = $o->{requests_each};
    my ($sock, $buf);

    Time::HiRes::sleep($at - Time::HiRes::time()) if $at > Time::HiRes::time();

    while (1) {
        last if defined $left && $left-- <= 0;
        my $now = Time::HiRes::time();
        last if defined $deadline && $now >= $deadline;

        unless ($sock) {
            $sock = connect_to($o->{port});
            unless ($sock) { $status{connect_error}++; last }
            $buf = '';
        }

        $first //= $now;
        unless (syswrite($sock, $req) == length $req) {
            undef $sock;
            $status{write_error}++;
            next;
        }

        my ($st, $close) = read_response($sock, \$buf);
        if (!defined $st) {
            # keepalive_requests reached: a new connection, the same again
            undef $sock;
            $left++ if defined $left;
            next;
        }
        $last = Time::HiRes::time();
        $status{$st}++;
        undef $sock if $close;
    }

    print {$out} join(' ', $first // 0, $last // 0,
                      map { "$_=$status{$_}" } sort keys %status), "\n";
}

sub run {
    my (%o) = @_;
    my $clients = $o{clients} || 1;
    my @reqs = @{ $o{requests} };
    $o{requests_each} = $o{count} ? int($o{count} / $clients) : undef;

    my $at = Time::HiRes::time() + 0.3;
    my @kids;

    for my $i (0 .. $clients - 1) {
        pipe(my $r, my $w) or die "pipe: $!";
        my $pid = fork;
        die "fork: $!" unless defined $pid;
        if ($pid == 0) {
            close $r;
            client(\%o, $reqs[$i % @reqs], $at, $w);
            close $w;
            POSIX::_exit(0);
        }
        close $w;
        push @kids, [$pid, $r];
    }

    my %res = (status => {}, clients => [], start => undef, end => undef);

    for my $k (@kids) {
        my ($pid, $r) = @$k;
        my $line = <$r> // '';
        close $r;
        waitpid $pid, 0;
        chomp $line;
        my ($first, $last, @counts) = split ' ', $line;
        my %st = map { split /=/ } @counts;
        push @{ $res{clients} }, { status => \%st, start => $first,
                                   end => $last };
        $res{status}{$_} += $st{$_} for keys %st;
        $res{start} = $first
            if $first && (!defined $res{start} || $first < $res{start});
        $res{end} = $last
            if $last && (!defined $res{end} || $last > $res{end});
    }

    $res{seconds} = ($res{end} // 0) - ($res{start} // 0);
    return \%res;
}

1;
