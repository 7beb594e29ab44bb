# nginx code style, checked mechanically: no tabs, 80 columns, no
# trailing white space, in every C file of the module.
use strict;
use warnings;
use Test::More;

my @files = ('ngx_http_apigw_module.c', glob('src/*.[ch]'));

for my $f (@files) {
    open my $fh, '<', $f or die "$f: $!";
    my @bad;
    while (my $line = <$fh>) {
        chomp $line;
        push @bad, "$f:$.: tab" if $line =~ /\t/;
        push @bad, "$f:$.: " . length($line) . " columns"
            if length($line) > 80;
        push @bad, "$f:$.: trailing white space" if $line =~ /[ \t]$/;
    }
    close $fh;
    ok(!@bad, "$f follows the style") or diag(join "\n", @bad);
}

done_testing();
