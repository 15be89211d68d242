%% The same cases as Spindle's bench, for Erlang/OTP. Run by dev.spindle.bench.peers.ErlangPeer:
%%   erl -noshell +P 4000000 -pa DIR -eval 'spindle_bench:run(ring, [1000, 20000]), halt().'
%% Prints one line: RESULT <headline> [key=value ...]
-module(spindle_bench).
-export([run/2]).

run(Case, Args) ->
    Line = case {Case, Args} of
        {pingpong_same, [Rounds]} -> pingpong(Rounds);
        {fairness, [Rounds, Hogs, BudgetNs]} -> fairness(Rounds, Hogs, BudgetNs);
        {fairness_hogs, [Rounds, Hogs, BudgetNs, CalibNs]} -> fairness_hogs(Rounds, Hogs, BudgetNs, CalibNs);
        {ring, [N, Hops]} -> ring(N, Hops);
        {threadring, [N, Hops]} -> ring(N, Hops);
        {skynet, [Leaves]} -> skynet(Leaves);
        {spawn, [N]} -> spawn_many(N);
        {fanin, [Senders, Per]} -> fanin(Senders, Per);
        {counting, [N]} -> counting(N);
        {remote, [Rounds, Msgs, Window, Windows]} -> remote(Rounds, Msgs, Window, Windows);
        {timers, [Gaps, IdlePer, LoadPer, CallLoadPer, Yielders, LostMs, BudgetMs]} ->
            timers(Gaps, IdlePer, LoadPer, CallLoadPer, Yielders, LostMs, BudgetMs)
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
    {CalmMedian, CalmP99, _} = pingpong_stats(Rounds, BudgetNs),
    Hs = [spawn(fun hog/0) || _ <- lists:seq(1, Hogs)],
    {Median, P99, P999} = pingpong_stats(Rounds, BudgetNs),
    [exit(H, kill) || H <- Hs],
    io_lib:format("~p median_ns=~p p999_ns=~p rounds=~p median_without_ns=~p p99_without_ns=~p ratio_with_over_without=~.2f~s",
                  [P99, Median, P999, get(rounds), CalmMedian, CalmP99, P99 / max(1, CalmP99), get(curve)]).

hog() ->
    spin(now_ns() + 20000),
    erlang:yield(),
    hog().

spin(Until) ->
    case now_ns() < Until of
        true -> spin(Until);
        false -> ok
    end.

%% fairness-hogs: the same ping-pong while Hogs processes run a plain arithmetic loop that never
%% yields or receives (the BEAM preempts them by reductions). The hogs' CPU share: their
%% iterations during the loaded ping-pong over what one such loop does alone (calibrated first)
%% in the CPU time the VM used meanwhile (statistics(runtime): all threads, ms). The plan of
%% FairnessHogs.java.
-define(HOG_BATCH, 4096).

fairness_hogs(Rounds, Hogs, BudgetNs, CalibNs) ->
    PerNs = hog_rate(CalibNs),
    {CalmMedian, CalmP99, _} = pingpong_stats(Rounds, BudgetNs),
    CalmRounds = get(rounds),
    C = counters:new(1, [write_concurrency]),
    Hs = [spawn(fun() -> hog_loop(C, I, ?HOG_BATCH) end) || I <- lists:seq(1, Hogs)],
    I0 = counters:get(C, 1),
    {Cpu0, _} = statistics(runtime),
    T0 = now_ns(),
    {Median, P99, P999} = pingpong_stats(Rounds, BudgetNs),
    T1 = now_ns(),
    {Cpu1, _} = statistics(runtime),
    I1 = counters:get(C, 1),
    [exit(H, kill) || H <- Hs],
    CpuNs = max(1, Cpu1 - Cpu0) * 1000000,
    io_lib:format("~p p99_ns=~p median_ns=~p p999_ns=~p rounds=~p median_without_ns=~p p99_without_ns=~p rounds_without=~p "
                  "ratio_with_over_without=~.2f hog_cpu_share=~.4f process_cpu_per_core=~.4f hog_iterations_per_cpu_us_alone=~.2f "
                  "window_ms=~.1f hogs=~p hogs_not_stopped=0~s",
                  [P99, P99, Median, P999, get(rounds), CalmMedian, CalmP99, CalmRounds, P99 / max(1, CalmP99),
                   (I1 - I0) / (PerNs * CpuNs), CpuNs / ((T1 - T0) * erlang:system_info(schedulers_online)),
                   PerNs * 1000, (T1 - T0) / 1.0e6, Hogs, get(curve)]).

%% iterations per ns of CPU time of one hog_loop alone (after a third as long of warm-up); the VM's
%% other threads are idle meanwhile (an idle scheduler spins briefly, then sleeps)
hog_rate(Ns) ->
    C = counters:new(1, []),
    H = spawn(fun() -> hog_loop(C, 1, ?HOG_BATCH) end),
    receive after Ns div 3000000 -> ok end,
    {Cpu0, _} = statistics(runtime),
    I0 = counters:get(C, 1),
    receive after Ns div 1000000 -> ok end,
    I1 = counters:get(C, 1),
    {Cpu1, _} = statistics(runtime),
    exit(H, kill),
    max(1, I1 - I0) / (max(1, Cpu1 - Cpu0) * 1000000).

%% a tight recursive loop of small-integer arithmetic (24 x 31 bits: never a bignum), its progress counted every ?HOG_BATCH iterations
hog_loop(C, X, 0) -> counters:add(C, 1, ?HOG_BATCH), hog_loop(C, X, ?HOG_BATCH);
hog_loop(C, X, K) -> hog_loop(C, (X * 1103515245 + 12345) band 16#FFFFFF, K - 1).

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

%% timers: how late past the deadline a 1 ms `receive after`, a 1 ms erlang:send_after and a 50 ms
%% gen_server:call timeout let the waiting process run again, (1) after idle gaps: one timer after
%% each gap, armed on a message from this process; (2) under load (Yielders processes calling
%% erlang:yield() in a loop plus one yielding after each 1 ms of work): one probe per kind arming
%% its timers back to back. The same plan as Timers.java; prints the headline 0 (the Java side
%% computes it) and keys erlang/<condition>/<kind>/<metric>, lateness in us.
timers(Gaps, IdlePer, LoadPer, CallLoadPer, Yielders, LostMs, BudgetMs) ->
    IdlePlan = timers_idle_plan(Gaps, IdlePer),
    Idle = timers_idle(IdlePlan, lists:sum([P || {_, P} <- IdlePlan]) + BudgetMs * 1000000, LostMs * 1000000),
    %% under load, long enough for a stalled probe to be declared lost rather than short of samples
    Load = timers_load(LoadPer, CallLoadPer, Yielders, (BudgetMs + LostMs + 50) * 1000000, LostMs * 1000000),
    "0" ++ timers_stats("idle", Idle) ++ timers_stats("load", Load).

%% {Name, Key, DelayMs}
timer_kinds() -> [{receive_after, "receive", 1}, {send_after, "sendafter", 1}, {call, "call", 50}].

%% each kind meets every gap: kind I's J-th sample follows gap (I + J) mod length(Gaps)
timers_idle_plan(Gaps, Per) ->
    N = length(Gaps),
    [{K, lists:nth(((J + I) rem N) + 1, Gaps) * 1000000}
     || J <- lists:seq(0, Per - 1), {I, K} <- lists:zip(lists:seq(0, 2), timer_kinds())].

timers_idle(Plan, BudgetNs, LostNs) ->
    Probes = maps:from_list([{element(1, K), timer_probe(K)} || K <- timer_kinds()]),
    {Acc, Live} = timers_steps(Plan, Probes, now_ns() + BudgetNs, LostNs, 1, #{}),
    [P ! stop || P <- maps:values(Live)],
    Acc.

timers_steps([], Probes, _, _, _, Acc) -> {Acc, Probes};
timers_steps([{K = {Name, _, DelayMs}, GapNs} | Rest], Probes, End, LostNs, Seq, Acc) ->
    case now_ns() > End of
        true -> {Acc, Probes};  % budget spent: fewer samples, reported as such
        false ->
            receive after GapNs div 1000000 -> ok end,
            Armed = now_ns(),
            maps:get(Name, Probes) ! {go, Seq, once},
            case timers_await(Seq, Armed + DelayMs * 1000000 + LostNs) of
                lost ->
                    %% the probe may be stuck waiting for it: start a fresh one
                    maps:get(Name, Probes) ! stop,
                    timers_steps(Rest, Probes#{Name := timer_probe(K)}, End, LostNs, Seq + 1, timers_add(Name, lost, Acc));
                Outcome ->
                    timers_steps(Rest, Probes, End, LostNs, Seq + 1, timers_add(Name, Outcome, Acc))
            end
    end.

timers_await(Seq, WaitUntil) ->
    receive
        {fired, Seq, Deadline, Fired, ok} -> Fired - Deadline;
        {fired, Seq, _, _, _} -> error;
        {fired, _, _, _, _} -> timers_await(Seq, WaitUntil)  % a late report of an abandoned arm
    after max(0, (WaitUntil - now_ns()) div 1000000) -> lost
    end.

%% per kind: {Latenesses, Lost, Errors}
timers_add(Name, Outcome, Acc) ->
    {L, Lost, Errors} = maps:get(Name, Acc, {[], 0, 0}),
    Acc#{Name => case Outcome of
                     lost -> {L, Lost + 1, Errors};
                     error -> {L, Lost, Errors + 1};
                     Lateness -> {[Lateness | L], Lost, Errors}
                 end}.

timers_load(LoadPer, CallLoadPer, Yielders, BudgetNs, LostNs) ->
    Probes = [{Name, timer_probe(K)} || K = {Name, _, _} <- timer_kinds()],
    %% each probe counts its timers from I * 2^40, so a report names its kind
    [P ! {go, I bsl 40, repeat} || {I, {_, P}} <- lists:zip(lists:seq(0, 2), Probes)],
    Hogs = [spawn(fun yielder/0) || _ <- lists:seq(1, Yielders)] ++ [spawn(fun slow_hog/0)],
    receive after 20 -> ok end,
    Settled = now_ns(),
    Targets = #{receive_after => LoadPer, send_after => LoadPer, call => CallLoadPer},
    Last = maps:from_list([{Name, Settled} || {Name, _} <- Probes]),
    Acc = timers_collect(Targets, Settled, Settled + BudgetNs, LostNs, Last, #{}),
    [P ! stop || {_, P} <- Probes],
    [exit(H, kill) || H <- Hogs],
    Acc.

timers_collect(Targets, _, _, _, _, Acc) when map_size(Targets) == 0 -> Acc;
timers_collect(Targets, Settled, End, LostNs, Last, Acc) ->
    Now = now_ns(),
    %% a probe silent for longer than its delay plus the lost bound: one lost timer, abandoned
    Silent = [Name || {Name, _, DelayMs} <- timer_kinds(), maps:is_key(Name, Targets),
                      Now - maps:get(Name, Last) > DelayMs * 1000000 + LostNs],
    Acc1 = lists:foldl(fun(Name, A) -> timers_add(Name, lost, A) end, Acc, Silent),
    Targets1 = maps:without(Silent, Targets),
    case Now > End orelse map_size(Targets1) == 0 of
        true -> Acc1;
        false ->
            receive
                {fired, Seq, Deadline, Fired, Outcome} ->
                    {Name, _, _} = lists:nth(Seq bsr 40 + 1, timer_kinds()),
                    Last1 = Last#{Name => now_ns()},
                    case maps:find(Name, Targets1) of
                        {ok, Left} when Deadline >= Settled ->
                            Acc2 = timers_add(Name, case Outcome of ok -> Fired - Deadline; _ -> error end, Acc1),
                            Targets2 = case Left of 1 -> maps:remove(Name, Targets1); _ -> Targets1#{Name => Left - 1} end,
                            timers_collect(Targets2, Settled, End, LostNs, Last1, Acc2);
                        _ ->
                            timers_collect(Targets1, Settled, End, LostNs, Last1, Acc1)
                    end
            after 10 ->
                timers_collect(Targets1, Settled, End, LostNs, Last, Acc1)
            end
    end.

timer_probe({Name, _, DelayMs}) ->
    Driver = self(),
    Server = case Name of call -> spawn(fun never_answer/0); _ -> none end,
    spawn(fun() -> timer_probe_loop(Name, DelayMs, Driver, Server) end).

never_answer() -> receive stop -> ok; _ -> never_answer() end.

timer_probe_loop(Name, DelayMs, Driver, Server) ->
    receive
        {go, Seq, Mode} ->
            timer_probe_run(Name, DelayMs, Driver, Server, Seq, Mode);
        stop ->
            case Server of none -> ok; _ -> Server ! stop end
    end.

%% arms one timer; with Mode = repeat the next one as soon as it fired, until told to stop
timer_probe_run(Name, DelayMs, Driver, Server, Seq, Mode) ->
    Deadline = now_ns() + DelayMs * 1000000,
    Outcome = timer_wait(Name, DelayMs, Server),
    Driver ! {fired, Seq, Deadline, now_ns(), Outcome},
    case Mode of
        once -> timer_probe_loop(Name, DelayMs, Driver, Server);
        repeat ->
            receive stop -> case Server of none -> ok; _ -> Server ! stop end
            after 0 -> timer_probe_run(Name, DelayMs, Driver, Server, Seq + 1, repeat)
            end
    end.

timer_wait(receive_after, DelayMs, _) -> receive after DelayMs -> ok end;
timer_wait(send_after, DelayMs, _) ->
    Ref = make_ref(),
    erlang:send_after(DelayMs, self(), {tick, Ref}),
    receive {tick, Ref} -> ok end;
timer_wait(call, DelayMs, Server) ->
    case catch gen_server:call(Server, ping, DelayMs) of
        {'EXIT', {timeout, _}} -> ok;
        Other -> {answered, Other}
    end.

yielder() -> erlang:yield(), yielder().

slow_hog() ->
    spin(now_ns() + 1000000),
    erlang:yield(),
    slow_hog().

timers_stats(Cond, Acc) ->
    lists:flatten([timers_stats(Cond, Key, maps:get(Name, Acc, {[], 0, 0})) || {Name, Key, _} <- timer_kinds()]).

timers_stats(Cond, Key, {L, Lost, Errors}) ->
    Sorted = list_to_tuple(lists:sort(L)),
    N = tuple_size(Sorted),
    At = fun(Q) -> element(max(1, min(N, ceil(Q * N))), Sorted) / 1000 end,
    Prefix = " erlang/" ++ Cond ++ "/" ++ Key ++ "/",
    Percentiles = case N of
        0 -> [];
        _ -> [io_lib:format("~sp50_us=~.3f~sp99_us=~.3f~smax_us=~.3f~smin_us=~.3f",
                            [Prefix, At(0.5), Prefix, At(0.99), Prefix, At(1.0), Prefix, element(1, Sorted) / 1000])]
    end,
    Percentiles ++ [io_lib:format("~ssamples=~p~searly_count=~p~slost_count=~p~serror_count=~p",
                                  [Prefix, N, Prefix, length([X || X <- L, X < 0]), Prefix, Lost, Prefix, Errors])].

%% remote: a second node (peer, OTP 25+) on loopback, distribution over TCP. Round trips to an echo
%% process there (the first half of Rounds * 3 / 2 warm up), then one-way throughput: Msgs numbers
%% streamed to a sink that acknowledges every Window-th, at most Windows windows in flight; a
%% warm-up stream of Msgs div 10 first. Started by ErlangPeer as -sname with a cookie.
remote(Rounds, Msgs, Window, Windows) ->
    Dir = filename:dirname(code:which(?MODULE)),
    {ok, Peer, Node} = peer:start(#{name => spindle_bench_b,
        args => ["-pa", Dir, "-setcookie", atom_to_list(erlang:get_cookie()),
                 "-kernel", "inet_dist_use_interface", "{127,0,0,1}"]}),
    Echo = spawn(Node, fun remote_echo/0),
    Sink = spawn(Node, fun remote_sink/0),
    _ = [remote_rt(Echo, I) || I <- lists:seq(1, Rounds div 2)],
    Times = list_to_tuple(lists:sort([remote_rt(Echo, I) || I <- lists:seq(1, Rounds)])),
    N = tuple_size(Times),
    P = fun(Q) -> element(max(1, min(N, round(Q * N))), Times) end,
    Curve = lists:flatten([io_lib:format(" curve~p=~p", [I, P(Q)])
                           || {I, Q} <- lists:zip(lists:seq(0, 5), [0.1, 0.5, 0.9, 0.99, 0.999, 0.9999])]),
    _ = remote_stream(Sink, Msgs div 10, Window, Windows),
    Rate = remote_stream(Sink, Msgs, Window, Windows),
    peer:stop(Peer),
    io_lib:format("~p p99_ns=~p p999_ns=~p oneway_msgs_per_s=~.1f~s", [P(0.5), P(0.99), P(0.999), Rate, Curve]).

remote_rt(Echo, I) ->
    T0 = now_ns(),
    Echo ! {self(), I},
    receive I -> now_ns() - T0 end.

remote_echo() ->
    receive {From, X} -> From ! X, remote_echo() end.

remote_sink() ->
    receive {start, From, Window} -> remote_sink(From, Window, 0) end.

remote_sink(From, Window, C) ->
    receive
        {start, F, W} -> remote_sink(F, W, 0);
        _ ->
            C1 = C + 1,
            case C1 rem Window of 0 -> From ! {ack, C1}; _ -> ok end,
            remote_sink(From, Window, C1)
    end.

remote_stream(Sink, N, Window, Windows) ->
    Sink ! {start, self(), Window},
    T0 = now_ns(),
    Acked = remote_send(Sink, 1, N, 0, Window * Windows),
    remote_drain(Acked, N - N rem Window),
    N / ((now_ns() - T0) / 1.0e9).

remote_send(_Sink, I, N, Acked, _Limit) when I > N -> Acked;
remote_send(Sink, I, N, Acked, Limit) ->
    Sink ! I,
    remote_send(Sink, I + 1, N, remote_wait(I, Acked, Limit), Limit).

remote_wait(I, Acked, Limit) when I - Acked >= Limit -> receive {ack, A} -> remote_wait(I, A, Limit) end;
remote_wait(_I, Acked, _Limit) -> Acked.

remote_drain(Acked, Target) when Acked >= Target -> ok;
remote_drain(_Acked, Target) -> receive {ack, A} -> remote_drain(A, Target) end.
