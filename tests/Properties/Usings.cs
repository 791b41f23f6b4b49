global using FsCheck;
global using FsCheck.Fluent;
global using FsCheck.Xunit;
global using JobLog.Model;
global using Xunit;
global using static JobLog.Testing.Wait;
