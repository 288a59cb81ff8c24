// A small game-style host: the world's types are C# classes (GameTypes.cs) bound to Lua by the
// MicroLua source generator, and the game logic is a Lua script (scripts/game.lua) that the host
// drives one tick at a time, as a game loop does. The binding code is the two attributes in
// GameTypes.cs and the lines marked "binding" below.
using GameHost;
using MicroLua;
using MicroLua.Compiler;

if (args.Length != 1)
{
    Console.Error.WriteLine("usage: GameHost game.lua");
    return 2;
}

using var lua = new LuaState(new LuaOptions { Compiler = LuaCompiler.Instance, HashSeed = 1 });
Vector2.LuaRegister(lua);                              // binding: metatable and global Vector2
Entity.LuaRegister(lua);                               // binding: metatable and global Entity
var player = new Entity("player", new Vector2(0, 0));
using (LuaUserdata p = lua.NewUserdata(player))        // binding: the host's own object, shared
{
    lua["player"] = p;
}

// An awaited host function: the script calls loadlevel(name) as if it returned at once; the
// coroutine DoStringAsync runs it in waits for the task (an asset read, a download...).
lua.RegisterAsyncFunction("loadlevel", async call =>
{
    string name = call.CheckString(1);
    await Task.Delay(10, call.CancellationToken);          // stands for reading the level's file
    return call.Return($"{name}: 2 orcs, exit at (10, 5)");
});

// A byte buffer both ways: the script's save game (string.pack output, not text) comes to the
// host as its exact bytes, and goes back to the script the same way.
byte[]? saved = null;
lua.Register("storesave", call =>
{
    saved = call.CheckBytes(1).ToArray();                 // Lua's bytes, as they are
    return call.Return(saved.Length);
});
lua.Register("fetchsave", call => saved == null ? call.Return() : call.Return(saved));

await lua.DoStringAsync(File.ReadAllText(args[0]), "@" + Path.GetFileName(args[0]));
using LuaFunction update = lua["update"].AsFunction();
for (int tick = 1; tick <= 5; tick++)
{
    update.Invoke(0.5, tick);
}

// The script changed the host's object through the binding: the host sees it directly.
Console.WriteLine($"host: {player}, alive: {player.IsAlive}");
Console.WriteLine($"host: save game of {saved?.Length ?? 0} bytes, first byte 0x{saved?[0]:X2}");
lua.DoString("print('restored: ' .. restore(fetchsave()))", "=restore");
return player.IsAlive ? 0 : 1;
