%% The same cases as Spindle's bench, for Erlang/OTP. Run by dev.spindle.bench.peers.ErlangPeer:
%%   erl -noshell +P 4000000 -pa DIR -eval 'spindle_bench:run(ring, [1000, 20000]), halt().'
%% Prints one line: RESULT <headline> [key=value ...]
-module(spindle_bench).
-export([run/2]).

run(Case, Args) ->
    Line = case {Case, Args} of
        {pingpong_same, [Rounds]} -> pingpong(Rounds);
        {fairness, [Rounds, Hogs, BudgetNs]} -> fairness(Rounds, Hogs, BudgetNs);
        {ring, [N, Hops]} -> ring(N, Hops);
        {threadring, [N, Hops]} -> ring(N, Hops);
        {skynet, [Leaves]} -> skynet(Leaves);
        {spawn, [N]} -> spawn_many(N);
        {fanin, [Senders, Per]} -> fanin(Senders, Per);
        {counting, [N]} -> counting(N)
    end,
    io:format("RESULT ~s~n", [Line]).

now_ns() -> erlang:monotonic_time(nanosecond).

%% ping-pong round trips, median/p99/p99.9 in ns; the pong is this process's child, so it starts
%% on the same scheduler's run queue
pingpong(Rounds) ->
    {Median, P99, P999} = pingpong_stats(Rounds),
    io_lib:format("~p p99_ns=~p p999_ns=~p~s", [Median, P99, P999, get(curve)]).

pingpong_stats(Rounds) -> pingpong_stats(Rounds, infinity).

%% up to Rounds round trips, or until BudgetNs has passed (at least one)
pingpong_stats(Rounds, BudgetNs) ->
    Pong = spawn(fun Loop() -> receive {ping, From} -> From ! pong, Loop(); stop -> ok end end),
    Warm = Rounds div 10,
    _ = [rt(Pong) || _ <- lists:seq(1, Warm)],
    Deadline = case BudgetNs of infinity -> infinity; _ -> now_ns() + BudgetNs end,
    Times = list_to_tuple(lists:sort(rts(Pong, Rounds, Deadline, []))),
    Pong ! stop,
    N = tuple_size(Times),
    put(rounds, N),
    P = fun(Q) -> element(max(1, min(N, round(Q * N))), Times) end,
    %% the percentile curve the report draws: p10 p50 p90 p99 p99.9 p99.99
    put(curve, lists:flatten([io_lib:format(" curve~p=~p", [I, P(Q)])
                              || {I, Q} <- lists:zip(lists:seq(0, 5), [0.1, 0.5, 0.9, 0.99, 0.999, 0.9999])])),
    {P(0.5), P(0.99), P(0.999)}.

%% fairness: ping-pong p99 while Hogs CPU-bound processes run, each yielding every ~20 us
%% (the BEAM would preempt them anyway after 4000 reductions)
fairness(Rounds, Hogs, BudgetNs) ->
    {_, CalmP99, _} = pingpong_stats(Rounds, BudgetNs),
    Hs = [spawn(fun hog/0) || _ <- lists:seq(1, Hogs)],
    {Median, P99, P999} = pingpong_stats(Rounds, BudgetNs),
    [exit(H, kill) || H <- Hs],
    io_lib:format("~p median_ns=~p p999_ns=~p rounds=~p p99_without_ns=~p ratio_with_over_without=~.2f~s",
                  [P99, Median, P999, get(rounds), CalmP99, P99 / max(1, CalmP99), get(curve)]).

hog() ->
    spin(now_ns() + 20000),
    erlang:yield(),
    hog().

spin(Until) ->
    case now_ns() < Until of
        true -> spin(Until);
        false -> ok
    end.

rts(_, 0, _, Acc) -> Acc;
rts(Pong, K, Deadline, Acc) ->
    case Acc =/= [] andalso Deadline =/= infinity andalso now_ns() > Deadline of
        true -> Acc;
        false -> rts(Pong, K - 1, Deadline, [rt(Pong) | Acc])
    end.

rt(Pong) ->
    T0 = now_ns(),
    Pong ! {ping, self()},
    receive pong -> now_ns() - T0 end.

%% ring of N processes, a token passed Hops times: ns per hop
ring(N, Hops) ->
    Self = self(),
    First = lists:foldl(fun(_, Next) -> spawn(fun() -> ring_node(Next, Self) end) end, Self, lists:seq(1, N - 1)),
    %% close the ring: the last spawned is First; Self forwards into First
    T0 = now_ns(),
    First ! {token, Hops},
    ring_self(First),
    T = now_ns() - T0,
    First ! stop,
    io_lib:format("~.2f", [T / Hops]).

ring_node(Next, Done) ->
    receive
        {token, 0} -> Done ! done, ring_node(Next, Done);
        {token, K} -> Next ! {token, K - 1}, ring_node(Next, Done);
        stop -> Next ! stop
    end.

ring_self(First) ->
    receive
        done -> ok;
        {token, 0} -> ok;
        {token, K} -> First ! {token, K - 1}, ring_self(First)
    end.

%% skynet: ms
skynet(Leaves) ->
    T0 = now_ns(),
    Self = self(),
    spawn(fun() -> skynet_node(Self, 0, Leaves) end),
    receive Sum -> Sum = Leaves * (Leaves - 1) div 2 end,
    io_lib:format("~.1f", [(now_ns() - T0) / 1.0e6]).

skynet_node(Parent, Num, 1) -> Parent ! Num;
skynet_node(Parent, Num, Size) ->
    Child = Size div 10,
    Self = self(),
    [spawn(fun() -> skynet_node(Self, Num + I * Child, Child) end) || I <- lists:seq(0, 9)],
    Parent ! lists:sum([receive S -> S end || _ <- lists:seq(1, 10)]).

%% spawn N processes that wait: ms, bytes per process
spawn_many(N) ->
    erlang:garbage_collect(),
    M0 = erlang:memory(processes),
    Self = self(),
    T0 = now_ns(),
    Pids = [spawn(fun() -> Self ! started, receive stop -> ok end end) || _ <- lists:seq(1, N)],
    [receive started -> ok end || _ <- Pids],
    T = now_ns() - T0,
    M1 = erlang:memory(processes),
    [P ! stop || P <- Pids],
    io_lib:format("~.1f bytes_per_process=~.1f", [T / 1.0e6, (M1 - M0) / N]).

%% fan-in: msg/s
fanin(Senders, Per) ->
    Self = self(),
    Total = Senders * Per,
    Recv = spawn(fun() -> fanin_recv(Total, Self) end),
    T0 = now_ns(),
    [spawn(fun() -> [Recv ! 42 || _ <- lists:seq(1, Per)] end) || _ <- lists:seq(1, Senders)],
    receive done -> ok end,
    io_lib:format("~.1f", [Total / ((now_ns() - T0) / 1.0e9)]).

fanin_recv(0, Parent) -> Parent ! done;
fanin_recv(K, Parent) -> receive _ -> fanin_recv(K - 1, Parent) end.

%% counting: ms
counting(N) ->
    Self = self(),
    T0 = now_ns(),
    Counter = spawn(fun() -> count_loop(0) end),
    spawn(fun() -> [Counter ! inc || _ <- lists:seq(1, N)], Counter ! {get, Self} end),
    receive {count, N} -> ok end,
    io_lib:format("~.1f", [(now_ns() - T0) / 1.0e6]).

count_loop(C) -> receive inc -> count_loop(C + 1); {get, From} -> From ! {count, C} end.
