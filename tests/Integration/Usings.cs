global using static JobLog.Testing.Wait;
