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

// (Later: an awaited host function, e.g. `game.load(name)` returning a ValueTask, goes here.)
// (Later: a byte buffer passed both ways, e.g. a save-game blob, goes here.)

lua.DoString(File.ReadAllText(args[0]), "@" + Path.GetFileName(args[0]));
using LuaFunction update = lua["update"].AsFunction();
for (int tick = 1; tick <= 5; tick++)
{
    update.Invoke(0.5, tick);
}

// The script changed the host's object through the binding: the host sees it directly.
Console.WriteLine($"host: {player}, alive: {player.IsAlive}");
return player.IsAlive ? 0 : 1;
