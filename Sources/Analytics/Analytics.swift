public enum AnalyticsModule {}
