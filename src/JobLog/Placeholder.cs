namespace JobLog; internal static class Placeholder { }
