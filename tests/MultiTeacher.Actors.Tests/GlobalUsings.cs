global using System.Runtime.CompilerServices;
global using MultiTeacher.Actors.TestKit;
