# Every nginx example in README.md and docs/ is accepted by "nginx -t",
# and docs/directives.md documents exactly the directives of the code.
use strict;
use warnings;
use Test::More;
use File::Temp ();

my $nginx = $ENV{TEST_NGINX_BINARY} || '/usr/sbin/nginx';
my ($module) = split ' ', ($ENV{TEST_NGINX_LOAD_MODULES} || '');

plan skip_all => 'TEST_NGINX_LOAD_MODULES is not set' unless $module;

sub slurp { my ($f) = @_; open my $fh, '<', $f or die "$f: $!"; local $/; <$fh> }

my @docs = ('README.md', glob('docs/*.md'));

# examples that sign requests to AWS read credentials: give them some
my $creds = File::Temp->new;
print $creds "[default]\naws_access_key_id=AKIDEXAMPLE\n"
             . "aws_secret_access_key=example\n[gateway]\n"
             . "aws_access_key_id=AKIDEXAMPLE\naws_secret_access_key=x\n";
close $creds;
# examples that load API keys: a file in AWS's import format
my $keys = File::Temp->new;
print $keys "Name,Key,Description,Enabled,UsagePlanIds\n"
            . "example,exampleexampleexample1,,true,\n";
close $keys;

# examples with a resource policy
my $policy = File::Temp->new;
print $policy '{"Statement": [{"Effect": "Allow", "Principal": "*", '
              . '"Action": "execute-api:Invoke", "Resource": "*"}]}';
close $policy;

# examples with IAM authorization: a credentials file
my $iam = File::Temp->new;
print $iam '{"AKIDEXAMPLE": {"secret": "example", '
           . '"arn": "arn:aws:iam::123456789012:user/example"}}';
close $iam;
# examples of JWT and Cognito authorizers: a key set of one RSA key
my $jwks = File::Temp->new;
print $jwks '{"keys": [{"kty": "RSA", "kid": "docs", "e": "AQAB", "n": "'
      . 'muE3lzkNwBfSQT-a7CL5VHjbjI4jgZ3H-3FU3ywYbl8aa--' .
      'aDZdilwVchW589B1aCj-CvBeP-fQcmE1RFhpF81uUA6ZjTUL-' .
      'uU4SCK6wc-9-cgMKGMO1V9aZXMrt1p3zDiq-' .
      'cWf39gJhoIMf9Dm1wDiCUaflvP4IAzGyeukC0iq2SqWjjby6NWyQ3rcA3wW-' .
      'lSf8AIOg0qfzNn-WsqVOAVXi_dnb14sqk50NSlEk2CkEv9b1Z6lfEeXxua6m' .
      'nICFVQ-j8JoZmHPQ-' .
      '78AoXc2VaAqD2QjENjgK20Jzg3bdm4BvWcfVCjkEGu3SL0-' .
      'MExZvE68crLyjLm0gdlGmtKubw'
      . '"}]}';
close $jwks;

$ENV{AWS_ACCESS_KEY_ID} = 'AKIDEXAMPLE';
$ENV{AWS_SECRET_ACCESS_KEY} = 'example';
my $examples = 0;

for my $doc (@docs) {
    my $text = slurp($doc);
    my $n = 0;

    while ($text =~ /^```nginx\n(.*?)^```/msg) {
        my $block = $1;
        $n++;
        $examples++;

        my $dir = File::Temp::tempdir(CLEANUP => 1);
        mkdir "$dir/logs";

        # a full configuration names its own module path; use ours
        my $conf;
        if ($block =~ /^\s*load_module\b/m) {
            ($conf = $block) =~ s/^\s*load_module\s+[^;]+;/load_module $module;/m;
            $conf =~ s/^(\s*http\s*\{)/$1\n client_body_temp_path $dir\/b; proxy_temp_path $dir\/p;/m;
        } else {
            $conf = <<"CONF";
load_module $module;
error_log $dir/logs/error.log;
pid $dir/logs/nginx.pid;
events {}
http {
    client_body_temp_path $dir/b;
    proxy_temp_path $dir/p;
$block
}
CONF
        }

        $conf =~ s/(apigw_aws_credentials\s+file=)\S+?([\s;])/$1$creds$2/g;
        $conf =~ s/(apigw_api_keys\s+)\S+?;/$1$keys;/g;
        $conf =~ s/(apigw_resource_policy\s+)\/\S+?;/$1$policy;/g;
        $conf =~ s/(apigw_iam_credentials\s+)\/\S+?;/$1$iam;/g;
        $conf =~ s/(jwks=)\/\S+?([\s;])/$1$jwks$2/g;
        # the state directory is created by nginx -t: a temporary one
        $conf =~ s/(apigw_usage_state\s+)\/[^\s;]+/$1$dir\/state/g;

        open my $fh, '>', "$dir/nginx.conf" or die;
        print $fh $conf;
        close $fh;

        my $out = `$nginx -p $dir -c $dir/nginx.conf -t 2>&1`;
        ok($? == 0, "$doc example $n is a valid configuration")
            or diag("$out\n$conf");
    }
}

ok($examples > 0, 'the docs have nginx examples');

# the directive reference and the command table agree

my %code;
for my $f ('ngx_http_apigw_module.c', glob('src/*.c')) {
    my $text = slurp($f);
    $code{$1} = 1
        while $text =~ /ngx_string\("(apigw_[a-z0-9_]+)"\),\s*NGX_HTTP_(?:MAIN|SRV|LOC)_CONF/g;
}

ok(scalar(keys %code) > 0, 'the command table was found');

my $ref = slurp('docs/directives.md');
my %doc = map { $_ => 1 } $ref =~ /^## (apigw_[a-z0-9_]+)\s*$/mg;

for my $d (sort keys %code) {
    ok($doc{$d}, "directive $d is documented in docs/directives.md");
}

for my $d (sort keys %doc) {
    ok($code{$d}, "documented directive $d exists");
}

for my $d (sort keys %doc) {
    my ($section) = $ref =~ /^## $d\s*\n(.*?)(?=^## |\z)/ms;
    like($section, qr/Syntax:[\s\S]*?\n\s*Default:.*\n\s*Context:/,
         "$d has Syntax, Default and Context");
}

done_testing();
