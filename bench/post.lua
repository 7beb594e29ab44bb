-- wrk script of the JSON body cases (bench/lib.sh, bench/mapping.sh):
-- every request is a POST of the file named after "--", as
-- application/json.
--
--   wrk -t2 -c64 -d10s -s bench/post.lua URL -- FILE

function init(args)
    local f = assert(io.open(args[1], "rb"))
    wrk.method = "POST"
    wrk.body = f:read("*a")
    wrk.headers["Content-Type"] = "application/json"
    f:close()
end
